import path from 'node:path';

/** swagger-ui-dist's files (its package has no entry point worth loading: it would require the bundle). */
const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The files /docs/<name> serves, and their types. */
export const SWAGGER_UI_ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: path.join(DIST, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: path.join(DIST, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: path.join(DIST, 'favicon-32x32.png'), type: 'image/png' },
};

/** Starts Swagger UI on the document next to the page; a file, so the page runs no inline script. */
export const SWAGGER_UI_INITIALIZER = `window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/** `GET /docs`. The links are relative, so the page works behind a proxy that adds a path prefix. */
export const swaggerUiPage = (service: string): string => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Reverie ${service} API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/swagger-initializer.js"></script>
</body>
</html>
`;
