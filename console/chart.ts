/**
 * `<console-chart>`: a line chart of daily figures, drawn by uPlot (a small, well-kept canvas
 * charting library: about 50 KB, no dependencies) inside a `<figure>` whose caption says what
 * it shows. The canvas is decoration for screen readers (`aria-hidden`): the same numbers are in
 * the table beside every chart, and in its CSV. Counts not shown ("fewer than 10") are gaps.
 *
 * Properties: `caption`, `series` ({ label, values, color }[]), and either `days` (YYYY-MM-DD:
 * a line chart over time) or `groups` (labels such as regimes or countries: a bar chart of the
 * first series).
 */
import { LitElement, css, html, unsafeCSS } from "lit";
import uPlot from "uplot";
import uplotCss from "uplot/dist/uPlot.min.css";
import { shared } from "./styles";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** [light, dark] colours, each with at least 3:1 contrast to its background. */
  color: [string, string];
}

export class ConsoleChart extends LitElement {
  static override styles = [
    shared,
    unsafeCSS(uplotCss),
    css`
      figure { margin: 1rem 0; }
      figcaption { font-weight: 600; margin-bottom: 0.25rem; }
      .legend { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; padding: 0; margin: 0.25rem 0 0; }
      .swatch { display: inline-block; width: 1rem; height: 0.25rem; vertical-align: middle; margin-right: 0.35rem; border-radius: 2px; }
      .plot { min-height: 220px; }
    `,
  ];
  static override properties = { caption: {}, days: { attribute: false }, groups: { attribute: false }, series: { attribute: false } };
  declare caption: string;
  declare days: string[];
  /** Category labels: when set, a bar chart of `series` per group instead of a line over days. */
  declare groups: string[] | null;
  declare series: ChartSeries[];
  private plot: uPlot | null = null;
  private resize: ResizeObserver | null = null;

  constructor() {
    super();
    this.caption = "";
    this.days = [];
    this.groups = null;
    this.series = [];
  }

  private get dark(): boolean {
    return matchMedia("(prefers-color-scheme: dark)").matches;
  }

  override updated(): void {
    const target = this.renderRoot.querySelector<HTMLElement>(".plot");
    if (!target) return;
    this.plot?.destroy();
    const width = Math.max(260, target.clientWidth);
    const axis = { stroke: this.dark ? "#b6bcc6" : "#4b5563", grid: { stroke: this.dark ? "#2a3038" : "#e5e7eb" } };
    const groups = this.groups;
    // Bars of one series per group (a bar chart shows one figure: several would overlap).
    const bars = uPlot.paths.bars!({ size: [0.6, 64] });
    this.plot = new uPlot(
      {
        width,
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: groups ? { x: { time: false, range: [-0.6, groups.length - 0.4] } } : { x: { time: true } },
        axes: groups ? [{ ...axis, splits: () => groups.map((_, g) => g), values: () => groups }, axis] : [axis, axis],
        series: [
          {},
          ...this.series.map((s) => ({
            label: s.label,
            stroke: s.color[this.dark ? 1 : 0],
            ...(groups ? { fill: s.color[this.dark ? 1 : 0], paths: bars, points: { show: false } } : { width: 2, spanGaps: false }),
          })),
        ],
      },
      [groups ? groups.map((_, g) => g) : this.days.map((d) => Date.parse(d) / 1000), ...this.series.map((s) => s.values)],
      target,
    );
    this.plot.root.setAttribute("aria-hidden", "true");
    // Through the CSSOM, which a strict style-src allows (an inline style attribute it would not).
    for (const el of this.renderRoot.querySelectorAll<HTMLElement>(".swatch")) el.style.background = el.dataset.color ?? "";
    this.resize ??= new ResizeObserver(() => this.plot?.setSize({ width: Math.max(260, target.clientWidth), height: 220 }));
    this.resize.observe(target);
  }

  override disconnectedCallback(): void {
    this.resize?.disconnect();
    this.plot?.destroy();
    super.disconnectedCallback();
  }

  override render() {
    return html`<figure>
      <figcaption>${this.caption}</figcaption>
      <div class="plot"></div>
      <ul class="legend">${this.series.map((s) => html`<li><span class="swatch" data-color=${s.color[this.dark ? 1 : 0]}></span>${s.label}</li>`)}</ul>
    </figure>`;
  }
}

customElements.define("console-chart", ConsoleChart);
