#!/usr/bin/env node
import { Command } from 'commander';
import { cliConfig } from './cli-config';
import { CliError } from './http';
import { createOutput } from './output';
import { setupCommand } from './commands/setup.command';
import { statusCommand } from './commands/status.command';
import { ingestCommand, FORMATS } from './commands/ingest.command';
import { ingestManagedAgentsCommand } from './commands/ingest-managed-agents.command';
import { dreamCommand } from './commands/dream.command';
import { agentLessonsCommand, lessonsActionCommand, lessonsEfficacyCommand, lessonsDecideCommand, lessonsDiffCommand, lessonsEditCommand, lessonsHistoryCommand, lessonsListCommand, lessonsShowCommand } from './commands/lessons.command';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys.command';
import { eraseCommand } from './commands/erase.command';
import { exportCommand } from './commands/export.command';
import { exportLessonsCommand, type ExportLessonsOptions } from './commands/export-lessons.command';
import { EXPORT_FORMATS } from './commands/lesson-export';
import { revokeCommand } from './commands/revoke.command';
import { policySetCommand, policyShowCommand, policyTestCommand, type PolicySetOptions } from './commands/policy.command';
import { loginCommand } from './commands/login.command';
import { mcpCommand } from './commands/mcp.command';
import { rebuildCommand, rebuildListCommand } from './commands/rebuild.command';
import { replayCommand, type ReplayOptions } from './commands/replay.command';
import { deadletterListCommand, deadletterRedriveCommand, deadletterShowCommand } from './commands/deadletter.command';
import { investigateAgentCommand, investigateLessonCommand } from './commands/investigate.command';
import { hookSessionEndCommand, hookSessionStartCommand, hooksInstallCommand, type HooksInstallOptions } from './commands/hooks.command';

/** Runs one command; returns its exit code. Errors print as one line (or `{ "error" }` with --json). */
export async function run(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('reverie')
    .description('Reverie: lessons for AI agents from their past sessions, governed and traceable.')
    .option('--json', 'print one JSON document instead of text for people')
    .showHelpAfterError()
    .exitOverride();

  const act = (fn: (...args: never[]) => Promise<number | void>) => async (...args: unknown[]) => {
    const out = createOutput(program.opts().json === true);
    exitCode = (await (fn as (...a: unknown[]) => Promise<number | void>)(cliConfig(), out, ...args)) ?? 0;
  };
  const jsonFlag = (c: Command) => c.option('--json', 'print JSON');

  jsonFlag(program.command('setup').description('create or update the streams, consumers and database schema'))
    .action(act((config, out) => setupCommand(config, out)));
  jsonFlag(program.command('status').description('health of every service (exit code 0 only when all are healthy)'))
    .action(act((config, out) => statusCommand(config, out)));
  jsonFlag(program.command('ingest').description('import agent logs (files or directories), or Anthropic Managed Agents sessions (--from managed-agents), into Reverie'))
    .argument('[path...]', 'files or directories, e.g. ~/.claude/projects')
    .option('--from <source>', 'managed-agents: read finished sessions through Anthropic\'s API (ANTHROPIC_API_KEY) instead of files')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'auto')
    .option('--agent <agentId>', 'agent id for the imported sessions (with --from managed-agents: the Managed Agents agent whose sessions are read)')
    .option('--since <time>', 'with --from managed-agents: sessions created since this date or ISO date-time')
    .option('--user <userId>', 'user id for the imported sessions')
    .option('--batch <n>', 'events per request', '500')
    .action(act((config, out, paths: string[], opts: Record<string, string>) => {
      if (opts.from === 'managed-agents') {
        if (paths.length) throw new CliError('--from managed-agents reads Anthropic\'s API: give no paths');
        return ingestManagedAgentsCommand(config, out, opts);
      }
      if (opts.from !== undefined) throw new CliError(`--from must be managed-agents; got "${opts.from}"`);
      if (!paths.length) throw new CliError('give the files or directories to import, or --from managed-agents');
      return ingestCommand(config, out, paths, opts);
    }));
  jsonFlag(program.command('dream').description('run a dream over the sessions since the last one'))
    .option('--wait', 'wait for the dream to finish and print its proposals')
    .option('--timeout <seconds>', 'how long --wait waits', '300')
    .action(act((config, out, opts: { wait?: boolean; timeout?: string }) => dreamCommand(config, out, opts)));

  const lessons = program.command('lessons').description('review lessons');
  jsonFlag(lessons.command('list').description('list lessons'))
    .option('--status <status>', 'proposed, approved, rejected or retired')
    .option('--limit <n>', 'at most this many')
    .action(act((config, out, opts: { status?: string; limit?: string }) => lessonsListCommand(config, out, opts)));
  jsonFlag(lessons.command('show').description('one lesson with its evidence and history').argument('<id>'))
    .action(act((config, out, id: string) => lessonsShowCommand(config, out, id)));
  jsonFlag(lessons.command('approve').description('approve a lesson in review (as the key: it needs the approver role)').argument('<id>'))
    .option('--note <text>', 'a note for the audit trail')
    .option('--text-hash <sha256>', 'the text version you read (`lessons show`): refused if the text was edited since')
    .action(act((config, out, id: string, opts: Record<string, string>) => lessonsDecideCommand(config, out, id, 'approve', opts)));
  jsonFlag(lessons.command('reject').description('reject a proposed lesson (as the key: reviewer or approver role)').argument('<id>'))
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .action(act((config, out, id: string, opts: Record<string, string>) => lessonsDecideCommand(config, out, id, 'reject', opts)));
  jsonFlag(lessons.command('edit').description('edit the text under review: a new version, checked by the guardrails (reviewer or approver)').argument('<id>'))
    .requiredOption('--text <text>', 'the new text')
    .option('--rationale <text>', 'why the lesson holds')
    .action(act((config, out, id: string, opts: { text: string; rationale?: string }) => lessonsEditCommand(config, out, id, opts)));
  for (const [action, what] of [
    ['promote', 'send a canary to every agent now (approver)'],
    ['rollback', 'withdraw the served version in one action: the previous version is served again, if any (approver)'],
    ['retire', 'stop serving a lesson for good (approver)'],
    ['reopen', 'bring a rejected, retired, expired or rolled-back lesson back to review (reviewer or approver)'],
  ] as const) {
    jsonFlag(lessons.command(action).description(what).argument('<id>'))
      .requiredOption('--reason <text>', 'why (kept in the audit trail)')
      .action(act((config, out, id: string, opts: { reason: string }) => lessonsActionCommand(config, out, id, action, opts)));
  }
  jsonFlag(lessons.command('efficacy').description('per served lesson: sessions served it and not, recurrence of its pattern in each, the effect and the verdict'))
    .action(act((config, out) => lessonsEfficacyCommand(config, out)));
  jsonFlag(lessons.command('diff').description('what changed in the lessons agents are served since a date'))
    .requiredOption('--since <date>', 'a date (2026-11-01) or an ISO date-time')
    .action(act((config, out, opts: { since: string }) => lessonsDiffCommand(config, out, opts)));
  jsonFlag(lessons.command('history').description('the audit trail of a lesson: every decision with its actor, each edit with its diff').argument('<id>'))
    .action(act((config, out, id: string) => lessonsHistoryCommand(config, out, id)));
  jsonFlag(program.command('erase').description('erase users or sessions: shred their data keys and purge or recount what was derived from them (admin)'))
    .option('--user <id...>', 'a user id as your agents send it (repeatable)')
    .option('--session <id...>', 'a session id (repeatable)')
    .requiredOption('--reason <text>', 'why (kept in the erasure record)')
    .action(act((config, out, opts: { user?: string[]; session?: string[]; reason: string }) => eraseCommand(config, out, opts)));
  jsonFlag(program.command('export').description('export lessons (`export lessons --format …`), or everything Reverie holds about a user (`export --user <id>`, admin)'))
    .argument('[what]', '`lessons`: the active lessons; omitted: a user\'s data (with --user)')
    .option('--user <id>', 'the user id as your agents send it')
    .option('--out <file>', 'write the user\'s JSON there (mode 0600) instead of standard output')
    .option('--format <format>', `for lessons: ${EXPORT_FORMATS.join(', ')}`, 'claude-md')
    .option('--file <path>', 'for lessons: the file to update (default CLAUDE.md or AGENTS.md) or write')
    .option('--agent <agentId>', 'for lessons: the lessons this agent is served (its own and tenant-wide)')
    .option('--memory-store <id>', 'for anthropic-memory-store: the memory store to sync (ANTHROPIC_API_KEY)')
    .action(act(async (config, out, what: string | undefined, opts: { user?: string; out?: string } & ExportLessonsOptions) => {
      if (what === 'lessons') return exportLessonsCommand(config, out, opts);
      if (what !== undefined) throw new CliError(`export what? \`reverie export lessons\` or \`reverie export --user <id>\`; got "${what}"`);
      return exportCommand(config, out, opts);
    }));
  jsonFlag(program.command('revoke').description('quarantine sessions, users or keys and withdraw every lesson they supported, in one action (approver or admin)'))
    .option('--session <id...>', 'a session to quarantine (repeatable)')
    .option('--user <id...>', 'a user, as sessions name them (repeatable)')
    .option('--key <keyId...>', 'an ingesting key (its id from `keys list`, or the actor id a credential ingests as) (repeatable)')
    .requiredOption('--reason <text>', 'why (kept in the audit record)')
    .action(act((config, out, opts: { session?: string[]; user?: string[]; key?: string[]; reason: string }) => revokeCommand(config, out, opts)));
  const keys = program.command('keys').description('API keys of your tenant (needs the admin role)');
  jsonFlag(keys.command('create').description('create an API key; its token is printed once'))
    .requiredOption('--name <name>', 'what the key is for (its actor in the audit), e.g. ci-ingest')
    .requiredOption('--roles <roles>', 'comma-separated: ingest, agent, reviewer, approver, admin')
    .option('--agent <agentId>', 'bind an agent key to one agent: it is served that agent\'s lessons only')
    .option('--owner <actorId>', 'the person accountable for the key (may not approve lessons from its sessions); default: you, when you log in as a person')
    .action(act((config, out, opts: { name: string; roles: string; owner?: string; agent?: string }) => keysCreateCommand(config, out, opts)));
  jsonFlag(keys.command('list').description('the keys of your tenant, without secrets'))
    .action(act((config, out) => keysListCommand(config, out)));
  jsonFlag(keys.command('revoke').description('revoke a key (refused everywhere within a second)').argument('<keyId>'))
    .action(act((config, out, keyId: string) => keysRevokeCommand(config, out, keyId)));
  const policy = program.command('policy').description('the governance policy of your tenant');
  jsonFlag(policy.command('get').alias('show').description('approvers, rollout, review period and guardrails of your tenant'))
    .action(act((config, out) => policyShowCommand(config, out)));
  jsonFlag(policy.command('set').description('change the policy; options not given are kept (needs the admin role)'))
    .option('--required-approvals <n>', 'distinct approvers a lesson needs (2: two-person rule)')
    .option('--canary-share <share>', 'share of sessions a newly approved lesson goes to first, 0 to 1 (0: to all at once)')
    .option('--canary-hours <hours>', 'how long the canary lasts before it goes to all')
    .option('--review-after-days <days>', 'an approval holds this long; then the lesson expires until reviewed again')
    .option('--corroboration <count>', 'independent sources counted as users (as asserted), credentials, or both (the smaller)')
    .option('--efficacy-rollback <never|harmful>', 'withdraw to review, automatically, a lesson measured harmful beyond doubt (harmful), or only show the verdict (never)')
    .option('--guardrails <file>', 'a JSON file with the guardrails: { allow: { hosts, emails, paths }, deny, rules, workspaceRoots }')
    .action(act((config, out, opts: PolicySetOptions) => policySetCommand(config, out, opts)));
  jsonFlag(policy.command('test').description('dry-run a text against your tenant\'s guardrails (nothing is recorded)').argument('<text>'))
    .action(act((config, out, text: string) => policyTestCommand(config, out, text)));
  jsonFlag(program.command('login').description('save the API key the CLI uses when REVERIE_API_KEY is unset'))
    .requiredOption('--key <key>', 'the key (- reads it from standard input)')
    .action(act((config, out, opts: { key: string }) => loginCommand(config, out, opts)));

  const agent = program.command('agent').description('what agents are served');
  jsonFlag(agent.command('lessons').description('the approved lessons an agent is served now').argument('<agentId>'))
    .option('--session <sessionId>', 'record the serving against this session')
    .action(act((config, out, agentId: string, opts: { session?: string }) => agentLessonsCommand(config, out, agentId, opts)));

  jsonFlag(program.command('rebuild').description('rebuild a projection from its stream into shadow tables, compare them with the live ones, then swap them in (operator: NATS_USER/NATS_PASSWORD or NATS_CREDS of reverie setup)'))
    .argument('[projection]', 'its name, as `reverie rebuild --list` shows')
    .option('--list', 'the projections of the running services, where each stands and whether it can be rebuilt')
    .option('--compare-only', 'compare, change nothing (exit code 1 when the live tables differ from the rebuild)')
    .option('--timeout <minutes>', 'how long to wait for the service to finish', '60')
    .action(act((config, out, projection: string | undefined, opts: { list?: boolean; compareOnly?: boolean; timeout?: string }) => {
      if (opts.list) return rebuildListCommand(config, out);
      if (!projection) throw new CliError('give the projection to rebuild, or --list to see them');
      return rebuildCommand(config, out, projection, opts);
    }));
  jsonFlag(program.command('replay').description('what a stream holds between two sequences or times, for investigations (operator; read-only; --json: one JSON document per line)'))
    .argument('<stream>', 'SESSIONS, DREAMS, LESSONS, SERVING or DEADLETTER')
    .option('--from <seq|time>', 'first stream sequence, or an ISO date-time')
    .option('--to <seq|time>', 'last stream sequence, or an ISO date-time (default: the end of the stream now)')
    .option('--tenant <tenantId>', 'only this tenant\'s events')
    .option('--type <eventType>', 'only events of this type, e.g. LessonApproved')
    .option('--limit <n>', 'stop after this many events shown')
    .action(act((config, out, stream: string, opts: ReplayOptions) => replayCommand(config, out, stream, opts)));
  const deadletter = program.command('deadletter').description('messages consumers gave up on (operator: NATS_USER/NATS_PASSWORD or NATS_CREDS of reverie setup)');
  jsonFlag(deadletter.command('list').description('what is in DEADLETTER (pending ones; --all with the redriven)'))
    .option('--consumer <durable>', 'only this consumer\'s')
    .option('--all', 'redriven ones too')
    .option('--limit <n>', 'at most this many', '100')
    .action(act((config, out, opts: { consumer?: string; all?: boolean; limit?: string }) => deadletterListCommand(config, out, opts)));
  jsonFlag(deadletter.command('show').description('one dead-lettered message: where from, why, its content').argument('<seq>'))
    .action(act((config, out, seq: string) => deadletterShowCommand(config, out, seq)));
  jsonFlag(deadletter.command('redrive').description('hand messages back to the consumer that gave up on them (after fixing why)').argument('[seq...]'))
    .option('--all', 'every pending message')
    .option('--consumer <durable>', 'with --all: only this consumer\'s')
    .action(act((config, out, seqs: string[], opts: { all?: boolean; consumer?: string }) => deadletterRedriveCommand(config, out, seqs, opts)));

  const investigate = program.command('investigate').description('forensics: what an agent was served at a time; where a lesson went and where it came from');
  jsonFlag(investigate.command('agent').description('what the agent was served at a time (texts as they were) and what was live for it').argument('<agentId>'))
    .requiredOption('--at <time>', 'a date-time (2026-11-30T14:00:00Z) or a date')
    .option('--session <sessionId>', 'that session\'s last answer at or before the time')
    .action(act((config, out, agentId: string, opts: { at?: string; session?: string }) => investigateAgentCommand(config, out, agentId, opts)));
  jsonFlag(investigate.command('lesson').description('every session a lesson reached (its blast radius) and its lineage back to the session events').argument('<lessonId>'))
    .action(act((config, out, lessonId: string) => investigateLessonCommand(config, out, lessonId)));

  const hooks = program.command('hooks').description('Claude Code hooks: lessons into each session, transcripts to ingest');
  jsonFlag(hooks.command('install').description('write Reverie\'s SessionStart and SessionEnd hooks into Claude Code\'s settings (merged, idempotent)'))
    .option('--agent <agentId>', 'the agent the sessions belong to (else REVERIE_AGENT_ID)')
    .option('--project', 'the project\'s .claude/settings.json (the default)')
    .option('--user', 'your ~/.claude/settings.json')
    .option('--dry-run', 'print the change as a diff, write nothing')
    .option('--command <path>', 'how the hooks run the CLI', 'reverie')
    .action(act((config, out, opts: HooksInstallOptions) => hooksInstallCommand(config, out, opts)));
  hooks.command('session-start').description('(run by Claude Code) print the agent\'s lessons as additional context')
    .option('--agent <agentId>', 'the agent')
    .action(async (opts: { agent?: string }) => { exitCode = await hookSessionStartCommand(cliConfig(), opts); });
  hooks.command('session-end').description('(run by Claude Code) send the session\'s transcript to ingest')
    .option('--agent <agentId>', 'the agent')
    .action(async (opts: { agent?: string }) => { exitCode = await hookSessionEndCommand(cliConfig(), opts); });

  program.command('mcp').description('Reverie\'s MCP server on stdin/stdout, for an MCP client to start (claude mcp add reverie -- reverie mcp --agent <id>)')
    .option('--agent <agentId>', 'the agent the key speaks for (else REVERIE_AGENT_ID)')
    .action(async (opts: { agent?: string }) => { exitCode = await mcpCommand(cliConfig(), opts); });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith('commander.')) return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : e.exitCode ?? 2;
    const json = argv.includes('--json');
    const message = err instanceof CliError ? err.message : `unexpected error: ${e.message}`;
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    else process.stderr.write(`reverie: ${message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
