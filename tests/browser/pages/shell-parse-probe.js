// Runs right after the gated inline script was parsed, before DOMContentLoaded: records what had
// already run and how the SDK marked the gated element at that moment.
window.__probe = {
  ran: (window.__ran || []).slice(),
  readyState: document.readyState,
  gatedState: (document.querySelector('script[data-category="analytics"]') || {getAttribute: function () { return 'replaced'; }}).getAttribute('data-consentry-state')
};
