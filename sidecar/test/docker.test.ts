/**
 * The image builds, starts as a non-root user, reports healthy on /healthz and keeps its data in the volume. Runs
 * where Docker answers; elsewhere (CI included) it is skipped and says so. CI does not depend on Docker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { REPO } from './helpers.js';

const docker = (...args: string[]) => spawnSync('docker', args, { cwd: REPO, encoding: 'utf8', timeout: 600_000 });
const probe = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
const skip = probe.status === 0 ? false : 'Docker is not available here (`docker info` failed): the image was not built or started';

describe('docker image', () => {
  it('builds, starts non-root, answers /healthz, turns healthy, keeps data under /data', { skip, timeout: 900_000 }, async () => {
    const tag = `wck-sidecar-test:${randomBytes(4).toString('hex')}`;
    const name = `wck-sidecar-test-${randomBytes(4).toString('hex')}`;
    const build = docker('build', '-f', 'sidecar/Dockerfile', '-t', tag, '.');
    assert.equal(build.status, 0, build.stderr);
    try {
      const run = docker('run', '-d', '--name', name, '-p', '127.0.0.1::8787', '-e', 'ADMIN_TOKEN=docker-test-token-0123456789', tag);
      assert.equal(run.status, 0, run.stderr);
      const port = docker('port', name, '8787/tcp').stdout.trim().split(':').pop();
      let healthz = 0;
      let health = '';
      for (let i = 0; i < 120 && health !== 'healthy'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        try { healthz = (await fetch(`http://127.0.0.1:${port}/healthz`)).status; } catch { /* starting */ }
        health = docker('inspect', '-f', '{{.State.Health.Status}}', name).stdout.trim();
      }
      assert.equal(healthz, 200);
      assert.equal(health, 'healthy');
      assert.notEqual(docker('exec', name, 'id', '-u').stdout.trim(), '0', 'runs as a non-root user');
      assert.match(docker('exec', name, 'ls', '/data').stdout, /sidecar\.db/);
      assert.match(docker('inspect', '-f', '{{json .Config.Volumes}}', name).stdout, /"\/data"/);
    } finally {
      docker('rm', '-f', name);
      docker('rmi', '-f', tag);
    }
  });
});
