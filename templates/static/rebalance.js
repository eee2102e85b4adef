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
// "This week" / "next week": fill the dates of the form's span and choose "only these dates".
(function () {
  "use strict";
  var buttons = document.querySelectorAll("input.week-shortcut");
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () {
      var span = button.closest("fieldset");
      span.querySelector("input[name=first]").value = button.dataset.first;
      span.querySelector("input[name=last]").value = button.dataset.last;
      span.querySelector("input[name=span][value=dates]").checked = true;
    });
  });
})();
