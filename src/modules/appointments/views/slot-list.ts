import { formatDateFr, formatTimeFr } from '../../../platform/format.ts';
import { html, type SafeHtml } from '../../../platform/html.ts';
import { wallTimeOf } from '../local-time.ts';

/** A free slot as pages show it. */
export interface SlotChoice {
  id: string;
  start: Date;
  siteName: string;
  remaining: number;
}

const WEEKDAY = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', timeZone: 'UTC' });

/** « mardi 23 mars 2027 » */
export function dayLabel(day: string): string {
  return `${WEEKDAY.format(new Date(`${day}T12:00:00Z`))} ${formatDateFr(day)}`;
}

/** « mardi 23 mars 2027 à 9 h 20 » */
export function slotLabel(start: Date): string {
  return `${dayLabel(wallTimeOf(start).day)} à ${formatTimeFr(start)}`;
}

export function groupByDay(slots: SlotChoice[]): { day: string; slots: SlotChoice[] }[] {
  const days = new Map<string, SlotChoice[]>();
  for (const s of slots) {
    const day = wallTimeOf(s.start).day;
    let list = days.get(day);
    if (!list) days.set(day, (list = []));
    list.push(s);
  }
  return [...days.entries()].map(([day, list]) => ({ day, slots: list }));
}

/**
 * Days and their times as links (citizen: one tap on a time goes to the next step, no script)
 * or as radio buttons of a form (agent, move).
 */
export function slotDays(
  slots: SlotChoice[],
  options: { link?: (slot: SlotChoice) => string; radioName?: string; checked?: string; showSite: boolean },
): SafeHtml {
  const days = groupByDay(slots);
  if (days.length === 0) return html`<p class="warning">Aucun créneau libre sur cette période.</p>`;
  return html`<div class="slot-days">
    ${days.map(
      (d, i) => html`<section class="slot-day" aria-labelledby="jour-${i}">
        <h3 id="jour-${i}">${dayLabel(d.day)}</h3>
        ${
          options.link
            ? html`<ul class="slot-times">
              ${d.slots.map(
                (s) =>
                  html`<li>
                    <a class="slot-time" href="${options.link!(s)}"
                      >${formatTimeFr(s.start)}${options.showSite ? html` <span class="slot-site">${s.siteName}</span>` : ''}<span
                        class="visually-hidden"
                        >, ${dayLabel(d.day)}</span
                      ></a
                    >
                  </li>`,
              )}
            </ul>`
            : html`<fieldset class="slot-times-field">
              <legend class="visually-hidden">Horaires du ${dayLabel(d.day)}</legend>
              <div class="slot-times">
                ${d.slots.map(
                  (s) => html`<div class="choice slot-choice">
                    <input
                      type="radio"
                      id="creneau-${s.id}"
                      name="${options.radioName ?? 'creneau'}"
                      value="${s.id}"
                      ${options.checked === s.id ? html`checked` : ''}
                    />
                    <label for="creneau-${s.id}"
                      >${formatTimeFr(s.start)}${options.showSite ? html` – ${s.siteName}` : ''}${
                        s.remaining > 1 ? html` (${s.remaining} places)` : ''
                      }</label
                    >
                  </div>`,
                )}
              </div>
            </fieldset>`
        }
      </section>`,
    )}
  </div>`;
}
