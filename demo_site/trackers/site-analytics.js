// Demo "site-analytics" tracker: a local stand-in for a real tag. It only reports that it ran.
window.demoReport && window.demoReport('site-analytics');
