/* Live coverage in the admin (#13): a form that deletes an update or ends the coverage asks
   first (its data-confirm), so a slip of the mouse during breaking news costs nothing. The
   forms work without this script too: they post, and the server does what they say. */
(() => {
  "use strict";

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) {
      return;
    }
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
