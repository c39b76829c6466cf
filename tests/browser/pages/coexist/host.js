// The CSP-friendly form of <body onload="brython()">: Brython's own DOMContentLoaded hook sees this
// handler, calls it, and does not call brython() a second time.
document.body.onload = function () { brython(); };
