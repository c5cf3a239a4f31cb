// Swagger UI over this service's own contract. /openapi.yaml names the server that served it, so
// "Try it out" calls this instance, with the token given under "Authorize".
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Partners' generated clients name their methods by operationId: show it beside each path.
    displayOperationId: true,
    // Else the page sends the whole contract to validator.swagger.io for a badge.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    // The standalone layout's top bar would offer to load any other contract from any URL.
    layout: 'BaseLayout'
  });
};
