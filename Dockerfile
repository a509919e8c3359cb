# syntax=docker/dockerfile:1
# One image, three modes (see deploy/charts/external-secrets): `controller` (default), `webhook`, `certcontroller`.
# Node.js 24 is the active LTS line (supported to April 2028; the AWS SDK for JS v3 requires Node >= 22 from
# January 2027). The build stages need npm, so they use the slim Debian image; the tag pins the exact release.
ARG NODE_IMAGE=node:24.11.0-bookworm-slim
# The runtime has no shell and no package manager: Google's distroless Node.js 24 image, pinned by digest so a
# rebuild cannot silently pick up a different base. Bump the digest deliberately (e.g. with Renovate/Dependabot).
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12@sha256:b35a10df56aa17825e81e836ff70fe3c27002809dd94e6bfd655ed05bac52230

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

# No RUN here: there is nothing to run it with. Files are copied in owned by root and read-only to the app user.
FROM ${RUNTIME_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /src/package.json ./
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
# distroless's `nonroot` user, by number so runAsNonRoot can verify it. Nothing is written at runtime
# (certificates are mounted, logs go to stdout), so the root filesystem can be mounted read-only.
USER 65532:65532
# Exec form only: there is no /bin/sh to interpret a shell-form command.
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/src/cli/main.js"]
CMD ["controller"]
