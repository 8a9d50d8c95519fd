import path from 'node:path';
import express, { type Router } from 'express';
import { defineRoute } from './routes';

// swagger-ui-dist ships the renderer; we serve it ourselves so the page works offline
// and under helmet's default Content-Security-Policy (no inline script).
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Birthday service API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });\n";

export function docsRoutes(document: object): Router {
  const router = express.Router();
  defineRoute(router, '/openapi.json', { get: (_req, res) => void res.json(document) });
  defineRoute(router, '/docs', { get: (_req, res) => void res.type('html').send(PAGE) });
  router.get('/docs/init.js', (_req, res) => void res.type('js').send(INIT));
  router.use('/docs/assets', express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1d' }));
  return router;
}
