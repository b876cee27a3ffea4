// The console's only script (served from the jar; the Content-Security-Policy allows no other):
// refreshes the live parts of a page while it is open, asks before "replay all", selects all boxes.
(function () {
  'use strict';

  // <div data-refresh="URL" data-refresh-every="ms">: replaced by the server-rendered (escaped) HTML at URL
  function refresh(element) {
    var url = element.getAttribute('data-refresh');
    var every = parseInt(element.getAttribute('data-refresh-every') || '5000', 10);
    var busy = false;
    setInterval(function () {
      if (document.hidden || busy) {
        return;
      }
      // a form being filled in inside the live part is not replaced under the user's hands
      if (element.contains(document.activeElement) && document.activeElement.tagName !== 'BODY') {
        return;
      }
      busy = true;
      fetch(url, { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
        .then(function (response) {
          if (response.status === 401) {
            window.location.reload(); // signed out or expired: the page sends us to the sign-in
            return null;
          }
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null) {
            element.innerHTML = html;
          }
        })
        .catch(function () { /* the hub is restarting: try again next time */ })
        .then(function () { busy = false; });
    }, every);
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-refresh]'), refresh);

    document.addEventListener('submit', function (event) {
      var question = event.target.getAttribute('data-confirm');
      if (question && !window.confirm(question)) {
        event.preventDefault();
      }
    });

    Array.prototype.forEach.call(document.querySelectorAll('input[data-select-all]'), function (all) {
      all.addEventListener('change', function () {
        var name = all.getAttribute('data-select-all');
        Array.prototype.forEach.call(all.form.querySelectorAll('input[type=checkbox][name="' + name + '"]'), function (box) {
          box.checked = all.checked;
        });
      });
    });
  });
}());
