import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Node cannot shrink a TCP socket's receive buffer, and a paused Node socket keeps the kernel's
 * (which grows to megabytes on loopback): some downloads would simply land in it. Perl, which
 * every Debian has (perl-base is essential), sets SO_RCVBUF before connecting, as a client
 * that means harm does. Each socket sends its request and never reads a byte.
 */
const SCRIPT = `
use strict; use Socket;
my ($port, $path, $n) = @ARGV;
my @sockets;
for (1 .. $n) {
  socket(my $s, PF_INET, SOCK_STREAM, getprotobyname('tcp')) or die "socket: $!";
  setsockopt($s, SOL_SOCKET, SO_RCVBUF, pack('i', 4096)) or die "setsockopt: $!";
  connect($s, sockaddr_in($port, inet_aton('127.0.0.1'))) or die "connect: $!";
  my $request = "GET $path HTTP/1.1\\r\\nHost: 127.0.0.1:$port\\r\\n\\r\\n";
  syswrite($s, $request) == length($request) or die "write: $!";
  push @sockets, $s;
}
$| = 1;
print "ready\\n";
sleep 1 while 1;
`;

export interface StalledClients {
  stop(): void;
}

/** `count` connections to 127.0.0.1:`port` that ask for `path` and never read; resolves once all asked. */
export function stallDownloads(port: number, path: string, count: number): Promise<StalledClients> {
  const child: ChildProcess = spawn('perl', ['-e', SCRIPT, String(port), path, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve({ stop: () => child.kill('SIGKILL') });
    });
    child.once('exit', (code) => reject(new Error(`the stalled clients exited with ${code}: ${errors}`)));
    child.once('error', reject);
  });
}
