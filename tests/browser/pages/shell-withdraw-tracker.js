// A stand-in analytics tracker: sets its cookies (declared in the built-in config as "_ga" and
// "/^_ga_/" for the analytics service "ga") on / and on this page's path, plus an undeclared one.
(window.__ran = window.__ran || []).push('tracker');
document.cookie = '_ga=GA1.1; path=/';
document.cookie = '_ga_ABC=GS1.1; path=/';
document.cookie = '_ga=GA1.2; path=/shell-withdraw.html';
document.cookie = 'site_pref=dark; path=/';
