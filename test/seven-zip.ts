/**
 * 7z archives made in the tests by 7-Zip itself (7z-wasm, the same build zipin reads them with),
 * so that no fixture archive needs checking in and any name, folder or password can be tried.
 */
interface Module {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array; chdir(path: string): void };
  callMain(args: string[]): number | undefined;
}

export async function sevenZip(files: Record<string, Buffer>, options: { password?: string; encryptNames?: boolean } = {}): Promise<Buffer> {
  const { default: SevenZip } = (await import('7z-wasm')) as unknown as { default: (o: Record<string, unknown>) => Promise<Module> };
  const module = await SevenZip({ stdout: () => undefined, stderr: () => undefined });
  module.FS.mkdirTree('/in');
  for (const [name, data] of Object.entries(files)) {
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
    if (dir) module.FS.mkdirTree(`/in/${dir}`);
    module.FS.writeFile(`/in/${name}`, data);
  }
  module.FS.chdir('/in');
  const tops = [...new Set(Object.keys(files).map((n) => n.split('/')[0]!))];
  const secret = options.password ? [`-p${options.password}`, `-mhe=${options.encryptNames ? 'on' : 'off'}`] : [];
  module.callMain(['a', '-t7z', '-sccUTF-8', ...secret, '/out.7z', ...tops]);
  return Buffer.from(module.FS.readFile('/out.7z'));
}
