# syntax=docker/dockerfile:1
# One image for every app of the monorepo. Pick the app with the APP build arg
# (docker build --build-arg APP=risk-api .) or override the command
# (node dist/apps/<app>/src/main.js).

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-slim AS runtime
ARG APP=exposure-engine
# A larger young generation: the engine allocates a great deal of short-lived
# state per batch, and fewer scavenges cut its CPU per event by about a fifth.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    APP=${APP}
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
# sh -c expands APP (the build arg, or -e APP=... at run time); exec makes node
# the main process so it receives SIGTERM (use --init / compose init: true).
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
