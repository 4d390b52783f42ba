import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

// systemd's and D-Bus's machine id: stable across reboots and network changes on Linux.
const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

function machineId(): string {
  for (const file of MACHINE_ID_FILES) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (id !== '') return id;
    } catch {
      // Not Linux, or not readable: the other inputs still identify the machine.
    }
  }
  return '';
}

/**
 * A stable identifier of this machine for the `fingerprint` field: the SHA-256 hex (64
 * printable ASCII characters, within the protocol's 128) of the machine id, host name,
 * platform, architecture and CPU model. Hashed so that the server never sees the raw values.
 */
export function machineFingerprint(): string {
  const parts = [machineId(), os.hostname(), process.platform, process.arch, os.cpus()[0]?.model ?? ''];
  return createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex');
}
