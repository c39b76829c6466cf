document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('out').textContent = 'clean';
  console.warn('[consentry] an allowed warning');
});
