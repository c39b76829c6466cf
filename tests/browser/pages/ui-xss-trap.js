// Any payload that runs calls __xss; the test asserts it never did.
window.__xssCalls = [];
window.__xss = function (n) { window.__xssCalls.push(n); };
