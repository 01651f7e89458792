# redscope's collector, stream processor and API: one image, the verb picks the process
# (docker-compose.yml runs `collector`, `stream` and `api`). TypeScript runs through tsx,
# which is a runtime dependency, so `npm ci --omit=dev` is all the install there is.
# Build and run: docker build -t redscope . && docker run --rm redscope collector
FROM node:20.20.2-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first: this layer is rebuilt only when the lock file changes. No install
# scripts are needed (esbuild, under tsx, ships its binary as an optional dependency).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY . .

# The collector's spill directory (collector.spill.dir), owned by the user the processes
# run as, so a named volume mounted there starts out writable.
RUN mkdir -p /var/lib/redscope/spill && chown node:node /var/lib/redscope/spill

USER node
# The same as `npx tsx cli/redscope.ts`, in one process: npx does not pass SIGTERM on to
# tsx, so `docker stop` would kill the stream processor without its final flush.
# V8 grows its heap lazily to gigabytes before collecting; the stream processor needs
# about 320 MB of heap for a 2,000-instance fleet (README: measured figures).
ENV NODE_OPTIONS=--max-old-space-size=320
ENTRYPOINT ["node", "--import", "tsx", "cli/redscope.ts"]
CMD ["api"]
