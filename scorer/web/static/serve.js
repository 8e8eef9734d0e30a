// The upload form's progress bar: the files are sent with XMLHttpRequest so that the bar can
// follow them; the page the server answers with is then shown. Without script the form posts
// as any form does. Nothing is fetched from anywhere but this page's own server.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var bar = document.getElementById("sending");
    var button = document.getElementById("go");
    bar.hidden = false;
    button.disabled = true;
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL.indexOf(location.origin + "/") === 0 &&
          request.status < 400) {
        // the answer is the page itself: shown as it came, at its own address
        document.open();
        document.write(request.responseText);
        document.close();
        history.replaceState(null, "", request.responseURL);
      } else {
        document.open();
        document.write(request.responseText);
        document.close();
      }
    });
    request.addEventListener("error", function () { button.disabled = false; bar.hidden = true; });
    request.send(new FormData(form));
  });
});
