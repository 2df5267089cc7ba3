/* Starts Swagger UI on the API documentation page. External file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.requestInterceptor = function (request) {
    // Writes made with the browser's session need the CSRF token; harmless for API keys.
    if (csrfToken) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  window.cnfsSwaggerUi = SwaggerUIBundle(config);

  // Swagger UI's "copy" buttons hold only an icon: give them a name screen readers can say.
  function nameCopyButtons() {
    document.querySelectorAll(".copy-to-clipboard > button:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", "Copier dans le presse-papiers");
    });
  }
  new MutationObserver(nameCopyButtons).observe(document.getElementById("swagger-ui"), {
    childList: true,
    subtree: true,
  });
})();
