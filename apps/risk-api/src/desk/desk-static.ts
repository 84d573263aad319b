import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import express, { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE } from '../http/problem.filter';

/** Where the browser finds the desk: same origin as the API, so the same token and no CORS. */
export const DESK_PATH = '/desk';

/**
 * The built desk (`vite build` writes dist/risk-desk). This file runs from
 * apps/risk-api/src/desk (ts-jest) or dist/apps/risk-api/src/desk (node), so
 * four levels up is the repository or dist/.
 */
export function deskDirectory(): string | undefined {
  const up = resolve(__dirname, '../../../..');
  return [join(up, 'risk-desk'), join(up, 'dist', 'risk-desk')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
}

/** Same-origin only: scripts, styles, data and frames from nowhere else. Inline styles are chart geometry. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

/**
 * Static files of the desk. They are public like /docs: they hold no data, and
 * every request they make for data carries the user's token to the API routes.
 */
export function deskStatic(directory: string | undefined): express.Router {
  const router = express.Router();
  router.use(DESK_PATH, (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.originalUrl === DESK_PATH) return res.redirect(301, `${DESK_PATH}/`);
    if (!directory) {
      res
        .status(404)
        .type(PROBLEM_CONTENT_TYPE)
        .json({
          ...problem(404, 'the risk desk is not built: run npm run build'),
          instance: req.originalUrl,
        });
      return;
    }
    next();
  });
  if (directory) {
    router.use(
      DESK_PATH,
      express.static(directory, {
        index: 'index.html',
        fallthrough: true,
        setHeaders: (res, path) =>
          // Vite names assets by content hash: they never change; index.html must always be fresh.
          res.setHeader(
            'Cache-Control',
            basename(dirname(path)) === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
          ),
      }),
    );
  }
  return router;
}
