// upload.js shows an upload's progress: the form's file is sent with
// XMLHttpRequest, a progress bar follows it, and the answer (the report
// page) replaces the page. Without JavaScript the form posts as it is.
(function () {
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    var bar = form.querySelector('progress');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      bar.hidden = false;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      });
      xhr.addEventListener('load', function () {
        bar.value = bar.max;
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener('error', function () {
        bar.hidden = true;
        form.insertAdjacentHTML('beforeend', '<p class="error" role="alert">The upload was cut off; send it again.</p>');
      });
      xhr.send(new FormData(form));
    });
  });
})();
