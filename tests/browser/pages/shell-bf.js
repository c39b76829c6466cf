// Counts restores from the back/forward cache (pageshow with persisted = true).
window.addEventListener('pageshow', function (event) {
  if (event.persisted) { window.__restored = (window.__restored || 0) + 1; }
});
