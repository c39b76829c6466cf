// Deliberate problems, one of each kind diag.js must record.
console.error('deliberate console.error');
console.warn('deliberate warning');
console.warn('[consentry] allowed warning');
Promise.reject(new Error('deliberate rejection'));
setTimeout(function () { throw new Error('deliberate uncaught error'); }, 0);
window.__noisyDone = true;
