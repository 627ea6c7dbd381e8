# syntax=docker/dockerfile:1
# Smartmeter Bridge headless: by default `translate` (docs/scale-out.md); `serve` runs from the same image.
#   docker build -t smartmeter-bridge .
#   docker run --rm -e SMARTMETER_BROKER_URL=mqtt://broker:1883 smartmeter-bridge translate --instance-id t1

# Build: every dependency (dev ones for the build), then the compiled CLI and UI into dist/.
FROM node:20-bookworm AS build
WORKDIR /src
# The Electron binary is for the desktop app only and cannot be used here.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# Runtime dependencies only (mqtt, zod, serialport, better-sqlite3 with their prebuilt binaries for this platform).
FROM node:20-bookworm AS deps
WORKDIR /app
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Runtime: the compiled build, no sources (bin/ then always takes dist/), a user without privileges.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
# `serve` keeps its offline queue and meter registry here; `translate` keeps nothing on disk.
RUN mkdir -p /var/lib/smartmeter-bridge && chown node:node /var/lib/smartmeter-bridge
VOLUME ["/var/lib/smartmeter-bridge"]
USER node
# /healthz on loopback inside the container is what HEALTHCHECK asks; use --health 0.0.0.0:8097 for probes from outside.
# It is translate's endpoint: run `serve` from this image with --no-healthcheck (compose: healthcheck: disable: true).
EXPOSE 8097
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8097/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/smartmeter-bridge.js"]
CMD ["translate"]
