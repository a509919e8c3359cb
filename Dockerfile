# syntax=docker/dockerfile:1
# One image, three modes (see deploy/charts/external-secrets): `controller` (default), `webhook`, `certcontroller`.
# Node.js 24 is the active LTS line; the tag pins the exact release.
ARG NODE_IMAGE=node:24.11.0-bookworm-slim

# Compile TypeScript. Only src/ is needed: tsconfig's test/ and bench/ globs simply match nothing here.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json --outDir dist --tsBuildInfoFile /tmp/tsbuildinfo

# Production dependencies only, resolved from the same lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /src/package.json ./
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
# The image's unprivileged `node` user, by number so runAsNonRoot can verify it. Nothing is written at runtime
# (certificates are mounted, logs go to stdout), so the root filesystem can be mounted read-only.
USER 1000:1000
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["controller"]
