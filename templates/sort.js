// Optional: click a column header to sort a table. The page works without it.
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('thead th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var kx = x.getAttribute('data-sort'), ky = y.getAttribute('data-sort');
        var nx = parseFloat(kx), ny = parseFloat(ky);
        if (kx !== null && ky !== null && !isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);
        return dir * x.textContent.localeCompare(y.textContent);
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.querySelectorAll('thead th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    });
  });
});
