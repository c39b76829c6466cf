// Demo fallback gated with data-category="!analytics": runs when analytics is refused.
window.demoReport && window.demoReport('!analytics');
