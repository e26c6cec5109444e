// The dashboard's entry: a hash route per page, each rendered from the JSON answers. When a page
// is on screen, body[data-page] names it (and body[data-state] says ready or error), for readers
// and for the tests that drive it in a browser.

import { ApiError, currentRoute, h, type Route } from './dom.js';
import { filePage, filesPage } from './files.js';
import { sessionPage } from './session.js';
import { sessionsPage } from './sessions.js';
import { survivalPage } from './survival.js';

const PAGES: Readonly<Record<string, { readonly nav: string; readonly render: (route: Route) => Promise<HTMLElement> }>> = {
  sessions: { nav: 'sessions', render: sessionsPage },
  session: { nav: 'sessions', render: sessionPage },
  files: { nav: 'files', render: filesPage },
  file: { nav: 'files', render: filePage },
  survival: { nav: 'survival', render: survivalPage },
};

let rendering = 0;

async function show(): Promise<void> {
  const route = currentRoute();
  const page = PAGES[route.page];
  const main = document.getElementById('main') as HTMLElement;
  const mine = ++rendering;
  document.body.dataset['state'] = 'loading';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('current', link.getAttribute('data-nav') === page?.nav);
  try {
    if (page === undefined) throw new ApiError(`no page '${route.page}'`, null);
    const view = await page.render(route);
    if (mine !== rendering) return;
    main.replaceChildren(view);
    document.title = `git-trace: ${view.querySelector('h1')?.textContent ?? route.page}`;
    document.body.dataset['page'] = route.page;
    document.body.dataset['state'] = 'ready';
    const focused = main.querySelector('.focused');
    if (focused !== null) focused.scrollIntoView({ block: 'center' });
    else window.scrollTo(0, 0);
  } catch (error) {
    if (mine !== rendering) return;
    const e = error instanceof ApiError ? error : new ApiError(String(error), null);
    main.replaceChildren(h('section', { class: 'page' }, h('p', { class: 'error' }, `error: ${e.message}`), e.hint === null ? null : h('p', { class: 'muted' }, `hint: ${e.hint}`)));
    document.body.dataset['page'] = route.page;
    document.body.dataset['state'] = 'error';
  }
}

window.addEventListener('hashchange', () => void show());
void show();
