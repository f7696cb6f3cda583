/* Swagger UI bootstrap for /api/docs (separate file: CSP script-src 'self'). */
(function () {
  'use strict';
  function init() {
    if (typeof window.SwaggerUIBundle !== 'function') return;
    window.ui = window.SwaggerUIBundle({
      url: '/api/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: 'BaseLayout'
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
