// Demo service tracker (data-category="analytics" data-service="ga"): reports that it ran.
window.demoReport && window.demoReport('ga');
