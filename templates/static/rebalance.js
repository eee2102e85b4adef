// Rebalance: while the solver works, say so and keep the button from being pressed twice.
(function () {
  "use strict";
  var working = document.getElementById("working");
  var forms = document.querySelectorAll("form.compute, form[action='/rebalance/apply']");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
        button.disabled = true;
      });
      if (working) { working.hidden = false; }
    });
  });
})();
