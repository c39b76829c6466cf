// Demo "analytics" tracker: a local stand-in for a real tag. It only reports that it ran.
window.demoReport && window.demoReport('analytics');
