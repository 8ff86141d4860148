// install-skills: copy the Codex skills shipped with conveyor into $CODEX_HOME/skills (each replaced whole).
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const BUNDLED_SKILLS = ['manage-codex-workers', 'codex-review'] as const;

export function codexHome(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const raw = flag ?? (env.CODEX_HOME || join(homedir(), '.codex'));
  const expanded = raw === '~' ? homedir() : raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : raw;
  return resolve(cwd, expanded);
}

export function installSkills(input: { skillsRoot: string; home: string; dryRun: boolean }) {
  const skills = BUNDLED_SKILLS.map((name) => ({
    name,
    source: join(input.skillsRoot, name),
    target: join(input.home, 'skills', name),
  }));
  for (const skill of skills) {
    if (!existsSync(join(skill.source, 'SKILL.md')))
      throw new UsageError(`bundled skill ${skill.name} is missing from ${skill.source}`);
  }
  if (!input.dryRun) {
    for (const skill of skills) {
      rmSync(skill.target, { recursive: true, force: true });
      mkdirSync(join(input.home, 'skills'), { recursive: true });
      cpSync(skill.source, skill.target, { recursive: true });
    }
    const script = join(input.home, 'skills', 'codex-review', 'scripts', 'codex-review');
    if (existsSync(script)) chmodSync(script, 0o755);
  }
  return {
    codex_home: input.home,
    dry_run: input.dryRun,
    installed: input.dryRun ? [] : skills.map((s) => s.name),
    skills,
  };
}
