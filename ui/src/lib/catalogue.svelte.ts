// The catalogue screen's state, shared by the shell (whose header holds the
// search box) and the screen that shows the results: what was typed, the
// filters and sort, the page of results shown, the selection and the item
// opened. Search runs as the clerk types (./search), a page at a time.

import { api, toApiError, type ApiError, type CatalogueStatus, type Facets, type Filters, type NearestDealer, type SearchHit, type Sort } from "./api";
import { createSearcher } from "./search";
import { afterPaint, mark } from "./marks";

export const PAGE = 50;

export class Catalogue {
  text = $state("");
  hits = $state<SearchHit[]>([]);
  total = $state(0);
  capped = $state(false);
  suggestions = $state<string[]>([]);
  /** When the dealer filter left nothing: the nearest dealer with a match. */
  nearestDealer = $state<NearestDealer | null>(null);
  /** The correction whose results are shown, when what was typed found nothing. */
  showingFor = $state<string | null>(null);
  /** The text the results shown answer, once there are any. */
  searched = $state<string | null>(null);
  loading = $state(true);
  error = $state<ApiError | null>(null);
  status = $state<CatalogueStatus | null>(null);
  facets = $state<Facets | null>(null);
  filters = $state<Filters>({ attributes: [], eligible_only: false });
  sort = $state<Sort>("relevance");
  selected = $state(-1);
  opened = $state<SearchHit | null>(null);
  /** Results come a page at a time; the page shown is replaced, never appended to. */
  offset = $state(0);

  readonly searcher = createSearcher(
    (t) => {
      mark("search-sent", t);
      return api
        .search({ text: t, limit: PAGE, offset: 0, filters: $state.snapshot(this.filters), sort: this.sort })
        .then((page) => {
          mark("search-received", t);
          return page;
        });
    },
    (outcome) => {
      this.loading = false;
      if ("ok" in outcome) {
        const text = outcome.ok.text;
        afterPaint(() => mark("search-painted", text));
        this.error = null;
        this.hits = outcome.ok.hits;
        this.total = outcome.ok.total;
        this.capped = outcome.ok.total_capped;
        this.suggestions = outcome.ok.suggestions;
        this.nearestDealer = outcome.ok.nearest_dealer;
        this.showingFor = outcome.ok.showing_for;
        this.searched = outcome.ok.text;
        this.offset = 0;
        this.selected = this.hits.length ? 0 : -1;
      } else {
        this.error = outcome.err;
      }
    },
  );

  pages = $derived(Math.max(1, Math.ceil(this.total / PAGE)));
  filtersSet = $derived(
    !!(
      this.filters.cooperative_id ||
      this.filters.supplier_id ||
      this.filters.classification ||
      this.filters.min_price != null ||
      this.filters.max_price != null ||
      this.filters.attributes?.length ||
      this.filters.status ||
      this.filters.eligible_only ||
      this.filters.near
    ),
  );

  /** Searches the current text again now (filters changed, a sync landed). */
  again() {
    this.searcher.now(this.text);
  }

  /** Searches again, then reads the catalog's counts and filter choices:
   *  they count or look at every item, so on a large catalog the first page
   *  is asked for (and painted) before them. */
  async refresh() {
    this.again();
    await this.readCounts();
  }

  /** Reads the catalog's counts and filter choices. */
  async readCounts() {
    try {
      this.status = await api.catalogueStatus();
      this.facets = await api.facets();
    } catch (e) {
      this.error = toApiError(e);
      this.loading = false;
    }
  }

  async goToPage(page: number) {
    const wanted = Math.max(0, Math.min(this.pages - 1, page)) * PAGE;
    try {
      const next = await api.search({
        text: this.searched ?? "",
        limit: PAGE,
        offset: wanted,
        filters: $state.snapshot(this.filters),
        sort: this.sort,
      });
      if (next.text === this.searched) {
        this.hits = next.hits;
        this.offset = wanted;
        this.selected = this.hits.length ? 0 : -1;
        document.querySelector("main")?.scrollTo({ top: 0 });
      }
    } catch (e) {
      this.error = toApiError(e);
    }
  }

  open(index: number) {
    this.selected = index;
    this.opened = this.hits[index] ?? null;
  }

  dispose() {
    this.searcher.dispose();
  }
}
