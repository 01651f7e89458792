# redscope's collector, stream processor and API: one image, the verb picks the process
# (docker-compose.yml runs `collector`, `stream` and `api`). The TypeScript is compiled to
# dist/ in a build stage (`npm run build`); the image runs plain JavaScript, which costs
# each process ~30 MB less RSS than running the sources through tsx (bench/README.md: measured
# figures). Build and run: docker build -t redscope . && docker run --rm redscope collector
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20.20.2-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first: this layer is rebuilt only when the lock file changes. No install
# scripts are needed.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY --from=build /app/dist ./dist

# The collector's spill directory (collector.spill.dir), owned by the user the processes
# run as, so a named volume mounted there starts out writable.
RUN mkdir -p /var/lib/redscope/spill && chown node:node /var/lib/redscope/spill

USER node
# node itself is the process (not npm or npx, which do not pass SIGTERM on), so `docker
# stop` lets the stream processor make its final flush.
# V8 grows its heap lazily to gigabytes before collecting; the stream processor needs
# about 320 MB of heap for a 2,000-instance fleet (bench/README.md).
ENV NODE_OPTIONS=--max-old-space-size=320
ENTRYPOINT ["node", "dist/cli/redscope.js"]
CMD ["api"]
