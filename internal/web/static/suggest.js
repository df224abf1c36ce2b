// suggest fills the search box's list of suggestions as the visitor
// types: the titles of the first datasets the search API finds, the last
// word taken as the start of one. Without JavaScript the box still
// searches; this only helps.
(function () {
  var box = document.getElementById('q');
  var list = document.getElementById('suggestions');
  if (!box || !list || !window.fetch) return;
  var timer = null, asked = '';
  box.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = box.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      fetch('/api/v1/search?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (a) {
          if (q !== asked) return; // a newer request is under way
          list.textContent = '';
          (a.results || []).slice(0, 8).forEach(function (d) {
            var o = document.createElement('option');
            o.value = d.title;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
