// Saves quiz answers in the background as the learner picks them, so nothing is lost if the
// browser closes. Without JavaScript the "Lưu tạm" button does the same.
(function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector(".autosave-status");
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    // getAttribute, not form.action: the submit buttons are named "action" and would shadow it.
    fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "X-Autosave": "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 204) {
          var now = new Date();
          status.textContent = "Đã lưu lúc " + now.getHours() + ":" + String(now.getMinutes()).padStart(2, "0");
        } else if (response.redirected) {
          window.location = response.url;
        } else {
          status.textContent = "Chưa lưu được – hãy bấm \u201cLưu tạm\u201d.";
        }
      })
      .catch(function () { status.textContent = "Mất kết nối – câu trả lời sẽ được lưu khi em bấm \u201cLưu tạm\u201d."; });
  }
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 600);
  });
})();
