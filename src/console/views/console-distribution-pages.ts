import { field, type FieldError } from '../../common/web/forms.js';
import { html, type SafeHtml } from '../../common/web/html.js';
import { consoleLayout, csrf, errors, formatDateTime, table, type ConsoleContext } from './console-layout.js';
import { fill } from './console-texts.js';
import { tokenTexts } from './console-token-pages.js';
import { scheduleInWords } from './schedule-words.js';

export function importPage(
  ctx: ConsoleContext,
  network: { id: string; name: string },
  o: { problems?: { row?: number; field?: string; message: string }[]; ready?: { count: number; content: string; fileName: string }; errors?: FieldError[]; flash?: string } = {},
): string {
  const { t } = ctx;
  const body = html`${errors(ctx, o.errors ?? [])}
<p>${t.importIntro}</p>
${
  o.problems
    ? html`<div class="error-summary" role="alert"><h2>${t.importErrors}</h2></div>
${table([t.colRow, t.colField, t.colProblem], o.problems.map((p) => [p.row ?? '', p.field ?? '', p.message]))}`
    : ''
}
${
  o.ready
    ? html`<p class="notice">${fill(t.importReady, { n: o.ready.count })}</p>
<form method="post" action="/console/netvaerk/${network.id}/import/gem">${csrf(ctx)}
<input type="hidden" name="content" value="${o.ready.content}"><input type="hidden" name="fileName" value="${o.ready.fileName}">
<button type="submit">${fill(t.importConfirm, { n: o.ready.count })}</button></form>`
    : ''
}
<form method="post" action="/console/netvaerk/${network.id}/import" enctype="multipart/form-data" novalidate>
${csrf(ctx)}
${field({ name: 'file', label: t.file, type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', errors: o.errors, required: true })}
<button type="submit">${t.check}</button>
</form>`;
  return consoleLayout(ctx, `${t.importTitle}: ${network.name}`, body, { flash: o.flash });
}

export function requestsPage(
  ctx: ConsoleContext,
  requests: { id: string; name: string; email: string; channel: string; source: string; createdAt: string }[],
  networks: { id: string; name: string }[],
  timeZone: string,
  flash?: string,
): string {
  const { t, locale } = ctx;
  const body =
    requests.length === 0
      ? html`<p>${t.noRequests}</p>`
      : table(
          [t.colName, t.colEmail, t.colChannelFrom, t.colSource, t.colReceived, ''],
          requests.map((r, i) => [
            r.name,
            r.email,
            r.channel,
            r.source === 'email' ? t.sourceEmail : r.source === 'phone' ? t.sourcePhone : t.sourceWeb,
            formatDateTime(r.createdAt, locale, timeZone),
            html`<form method="post" action="/console/anmodninger/${r.id}/godkend" class="inline">${csrf(ctx)}
<label for="net-${i}">${t.approveInto}</label> <select id="net-${i}" name="networkId">${networks.map((n) => html`<option value="${n.id}">${n.name}</option>`)}</select>
<button type="submit">${t.approve}</button></form>
<a href="/console/anmodninger/${r.id}/afvis" class="button secondary">${t.reject}<span class="hp"> ${r.name}</span></a>`,
          ]),
        );
  return consoleLayout(ctx, t.requestsTitle, body, { flash });
}

export function listsPage(ctx: ConsoleContext, network: { id: string; name: string }, lists: { id: string; title: string; schedule: string | null; timeZone: string; requiresApproval: boolean }[]): string {
  const { t } = ctx;
  return consoleLayout(
    ctx,
    `${t.listsTitle}: ${network.name}`,
    html`<p><a href="/console/netvaerk/${network.id}/lister/ny">${t.newList}</a></p>
${
  lists.length === 0
    ? html`<p>${t.noLists}</p>`
    : table(
        [t.colTitle, t.colSchedule, t.colTimeZone, t.colApproval],
        lists.map((l) => [
          html`<a href="/console/lister/${l.id}">${l.title}</a>`,
          scheduleInWords(l.schedule, t),
          l.timeZone,
          l.requiresApproval ? t.yes : t.no,
        ]),
      )
}`,
  );
}

export interface ListView {
  list: { id: string; title: string; schedule: string | null; timeZone: string; requiresApproval: boolean; networkId: string };
  preview: {
    rows: number; recipients: number; added: string[]; removed: string[]; changed: string[];
    hasPrevious: boolean; memberIds: string[];
  };
  editions: { id: string; state: string; createdAt: string; rowCount: number; recipientCount: number }[];
}

/** The next edition's preview: its size and what changed since the last edition (names only). */
export function previewSection(ctx: ConsoleContext, v: ListView): SafeHtml {
  const { t } = ctx;
  const names = (list: string[]) => (list.length ? html`<ul>${list.map((n) => html`<li>${n}</li>`)}</ul>` : html`<p>–</p>`);
  return html`<h2>${t.previewTitle}</h2>
<p>${fill(t.rowsCount, { n: v.preview.rows, r: v.preview.recipients })}</p>
<h3>${t.diffAdded}</h3>${names(v.preview.added)}
<h3>${t.diffRemoved}</h3>${names(v.preview.removed)}
<h3>${t.diffChanged}</h3>${names(v.preview.changed)}`;
}

export function listPage(
  ctx: ConsoleContext,
  v: ListView,
  timeZone: string,
  o: { flash?: string; errors?: FieldError[]; confirmUnchanged?: boolean } = {},
): string {
  const { t, locale } = ctx;
  return consoleLayout(
    ctx,
    v.list.title,
    html`${errors(ctx, o.errors ?? [])}
<p>${t.colSchedule}: ${scheduleInWords(v.list.schedule, t)} (${v.list.timeZone})
· ${t.colApproval}: ${v.list.requiresApproval ? t.yes : t.no}
· <a href="/console/lister/${v.list.id}/ret">${t.editList}</a></p>
${previewSection(ctx, v)}
${
  o.confirmUnchanged
    ? html`<p class="notice" role="alert">${t.editionUnchanged}</p>
<form method="post" action="/console/lister/${v.list.id}/udsend">${csrf(ctx)}<input type="hidden" name="force" value="1">
<button type="submit">${t.publishAnyway}</button></form>`
    : html`<p><a href="/console/lister/${v.list.id}/udsend" class="button">${t.publishNow}</a></p>`
}
<h2>${t.editionsTitle}</h2>
${table(
  [t.colEdition, t.colState, t.colCreated],
  v.editions.map((e) => [html`<a href="/console/udgaver/${e.id}">${fill(t.rowsCount, { n: e.rowCount, r: e.recipientCount })}</a>`, t.states[e.state] ?? e.state, formatDateTime(e.createdAt, locale, timeZone)]),
)}`,
    { flash: o.flash },
  );
}

export interface EditionView {
  edition: { id: string; listId: string; state: string; createdAt: string; rowCount: number; recipientCount: number; requestedById: string | null; correctionNeededSince?: string | null };
  listTitle: string;
  progress: { ready: number; total: number };
  delivery: { name: string; bundleState: string; lastError: string | null; notice: string | null; downloadedAt: string | null; expiresAt: string }[];
  canApprove: boolean;
}

export function editionPage(ctx: ConsoleContext, v: EditionView, timeZone: string, o: { flash?: string; errors?: FieldError[] } = {}): string {
  const { t, locale } = ctx;
  const building = v.edition.state === 'building';
  return consoleLayout(
    ctx,
    `${t.editionTitle}: ${v.listTitle}`,
    html`${errors(ctx, o.errors ?? [])}
<p><a href="/console/lister/${v.edition.listId}">${v.listTitle}</a> · ${t.colState}: <strong>${t.states[v.edition.state] ?? v.edition.state}</strong> · ${formatDateTime(v.edition.createdAt, locale, timeZone)}</p>
<p role="status" aria-live="polite"><progress max="${Math.max(1, v.progress.total)}" value="${v.progress.ready}" aria-label="${fill(t.progress, { n: v.progress.ready, total: v.progress.total })}"></progress>
${fill(t.progress, { n: v.progress.ready, total: v.progress.total })}</p>
${building ? html`<p>${t.refreshing}</p>` : ''}
${
  v.edition.correctionNeededSince
    ? html`<p class="notice">${fill(t.correctionNeeded, { date: formatDateTime(v.edition.correctionNeededSince, locale, timeZone) })}</p>
<form method="post" action="/console/udgaver/${v.edition.id}/ret">${csrf(ctx)}<button type="submit">${t.correct}</button></form>`
    : ''
}
${
  v.edition.state === 'awaiting_approval'
    ? html`<p>${t.approveHint}</p>${
        v.canApprove
          ? html`<form method="post" action="/console/udgaver/${v.edition.id}/godkend">${csrf(ctx)}<button type="submit">${t.approveEdition}</button></form>`
          : html`<p class="notice">${t.fourEyes}</p>`
      }`
    : ''
}
<h2>${t.deliveryTitle}</h2>
${table(
  [t.colMember, t.colBundle, t.colNotice, t.colDownloaded, t.colExpires],
  v.delivery.map((d) => [
    d.name,
    `${t.bundleStates[d.bundleState] ?? d.bundleState}${d.lastError ? ` (${d.lastError})` : ''}`,
    d.notice ? (t.noticeStates[d.notice] ?? d.notice) : t.notYet,
    d.downloadedAt ? formatDateTime(d.downloadedAt, locale, timeZone) : t.notYet,
    formatDateTime(d.expiresAt, locale, timeZone),
  ]),
)}`,
    { flash: o.flash, refreshSeconds: building ? 3 : undefined },
  );
}

export function staffPage(
  ctx: ConsoleContext,
  staff: { id: string; email: string; role: string; networkIds: string[]; disabledAt: string | null }[],
  networks: { id: string; name: string }[],
  o: { flash?: string; errors?: FieldError[]; values?: Record<string, string>; selfId?: string } = {},
): string {
  const { t } = ctx;
  const x = tokenTexts(ctx);
  // Disabling ends the account's sessions and tokens at once; an admin cannot disable themself.
  const status = (s: { id: string; disabledAt: string | null }) =>
    s.id === o.selfId
      ? x.active
      : html`${s.disabledAt ? x.disabled : x.active}
<form method="post" action="/console/medarbejdere/${s.id}/${s.disabledAt ? 'aktiver' : 'deaktiver'}" class="inline">${csrf(ctx)}
<button type="submit" class="secondary">${s.disabledAt ? x.enable : x.disable}</button></form>`;
  const name = (id: string) => networks.find((n) => n.id === id)?.name ?? id;
  return consoleLayout(
    ctx,
    t.staffTitle,
    html`${errors(ctx, o.errors ?? [])}
${table(
  [t.colEmail, t.colRole, t.colNetworks, x.colStatus],
  staff.map((s, i) => [
    s.email,
    t.roles[s.role] ?? s.role,
    s.role === 'coordinator'
      ? html`<form method="post" action="/console/medarbejdere/${s.id}/netvaerk" class="inline">${csrf(ctx)}
<fieldset><legend>${t.networksOf} ${s.email}</legend>${networks.map(
          (n) => html`<div class="choice"><input type="checkbox" name="networkIds" value="${n.id}" id="s-${i}-${n.id}"${s.networkIds.includes(n.id) ? html` checked` : ''}><label for="s-${i}-${n.id}">${n.name}</label></div>`,
        )}</fieldset><button type="submit" class="secondary">${t.save}</button></form>`
      : s.networkIds.map(name).join(', '),
    status(s),
  ]),
)}
<h2>${t.newStaff}</h2>
<form method="post" action="/console/medarbejdere" novalidate>${csrf(ctx)}
${field({ name: 'email', label: t.email, type: 'email', value: o.values?.email, errors: o.errors, required: true })}
<fieldset><legend>${t.role}</legend>${(['coordinator', 'auditor', 'admin'] as const).map(
      (r, i) => html`<div class="choice"><input type="radio" name="role" value="${r}" id="role-${r}"${
        (o.values?.role ? o.values.role === r : i === 0) ? html` checked` : ''
      }><label for="role-${r}">${t.roles[r]}</label></div>`,
    )}</fieldset>
${field({ name: 'password', label: t.initialPassword, type: 'password', autocomplete: 'new-password', errors: o.errors, required: true })}
<button type="submit">${t.create}</button></form>`,
    { flash: o.flash },
  );
}
