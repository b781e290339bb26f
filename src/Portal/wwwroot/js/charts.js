// ApexCharts for Blazor: LiveChart imports this module and drives one chart per element.
// The UMD build of ApexCharts (restored from npm by the build into wwwroot/lib) is loaded once, on first use.

const scriptPath = 'lib/apexcharts/apexcharts.min.js';
const charts = new Map();
let loading;
let themeTimer;

function loadApexCharts() {
    if (window.ApexCharts) {
        return Promise.resolve(window.ApexCharts);
    }
    loading ??= new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = new URL(scriptPath, document.baseURI).href;
        script.async = true;
        script.onload = () => resolve(window.ApexCharts);
        script.onerror = () => {
            loading = undefined;
            reject(new Error(`ApexCharts could not be loaded from ${script.src}.`));
        };
        document.head.appendChild(script);
    });
    return loading;
}

// The MudBlazor theme, read from the CSS variables its theme provider sets: the charts follow dark mode.
function palette() {
    const style = getComputedStyle(document.documentElement);
    const read = (name, fallback) => style.getPropertyValue(`--mud-palette-${name}`).trim() || fallback;
    const surface = read('surface', '#ffffff');
    return {
        dark: luminance(surface) < 0.5,
        text: read('text-secondary', '#616161'),
        lines: read('lines-default', '#e0e0e0'),
        color: name => name.startsWith('#') ? name : read(name, '#3949ab'),
    };
}

function luminance(color) {
    const hex = color.replace('#', '');
    const rgb = color.startsWith('rgb')
        ? color.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number)
        : [0, 2, 4].map(i => parseInt(hex.length >= 6 ? hex.slice(i, i + 2) : hex[i / 2].repeat(2), 16));
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
}

function points(data) {
    return data.series.map(s => ({
        name: s.name,
        data: s.values.map((y, i) => [data.start + i * data.step, y]),
    }));
}

function format(value, config) {
    if (value === null || value === undefined || Number.isNaN(value)) {
        return '–';
    }
    const digits = Math.abs(value) >= 100 ? 0 : config.decimals;
    const text = value.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    return config.unit ? `${text} ${config.unit}` : text;
}

function themed(config, theme) {
    return {
        theme: { mode: theme.dark ? 'dark' : 'light' },
        colors: config.colors.map(theme.color),
        chart: { foreColor: theme.text, background: 'transparent' },
        grid: { borderColor: theme.lines, strokeDashArray: 3 },
        tooltip: { theme: theme.dark ? 'dark' : 'light' },
    };
}

function options(config, data, theme) {
    const look = themed(config, theme);
    return {
        ...look,
        chart: {
            ...look.chart,
            type: config.type,
            height: config.height,
            fontFamily: 'inherit',
            // A live chart redraws every second: animations would only blur it.
            animations: { enabled: false },
            toolbar: { show: false },
            zoom: { enabled: false },
            parentHeightOffset: 0,
        },
        series: points(data),
        stroke: { curve: 'straight', width: config.type === 'bar' ? 0 : 2 },
        fill: config.type === 'area'
            ? { type: 'gradient', gradient: { opacityFrom: 0.35, opacityTo: 0.02 } }
            : { opacity: 1 },
        dataLabels: { enabled: false },
        markers: { size: 0, hover: { size: 3 } },
        legend: { show: data.series.length > 1, position: 'top', horizontalAlign: 'right' },
        xaxis: {
            type: 'datetime',
            labels: { datetimeUTC: false, datetimeFormatter: { minute: 'HH:mm', hour: 'HH:mm' } },
            tooltip: { enabled: false },
        },
        yaxis: config.logarithmic
            ? {
                // Whole decades (0.1, 1, 10, 100 ms...), so that the ticks read as orders of magnitude.
                logarithmic: true,
                logBase: 10,
                min: min => 10 ** Math.floor(Math.log10(Math.max(min, 0.01))),
                max: max => 10 ** Math.ceil(Math.log10(Math.max(max, 1))),
                labels: { formatter: v => format(v, { ...config, unit: '' }) },
            }
            : { min: 0, forceNiceScale: true, labels: { formatter: v => format(v, { ...config, unit: '' }) } },
        tooltip: {
            ...look.tooltip,
            x: { format: config.bucketFormat },
            y: { formatter: v => format(v, config) },
        },
        noData: { text: 'No data' },
    };
}

export async function create(element, config, data) {
    const ApexCharts = await loadApexCharts();
    if (!element.isConnected || charts.has(element)) {
        return;
    }
    const theme = palette();
    const chart = new ApexCharts(element, options(config, data, theme));
    charts.set(element, { chart, config, dark: theme.dark });
    // The theme toggle only changes CSS variables: look at them once a second while charts are shown.
    themeTimer ??= setInterval(followTheme, 1000);
    await chart.render();
}

export async function update(element, data) {
    await charts.get(element)?.chart.updateSeries(points(data), false);
}

export function destroy(element) {
    const entry = charts.get(element);
    if (entry) {
        charts.delete(element);
        entry.chart.destroy();
    }
    if (charts.size === 0 && themeTimer) {
        clearInterval(themeTimer);
        themeTimer = undefined;
    }
}

function followTheme() {
    const theme = palette();
    for (const entry of charts.values()) {
        if (entry.dark !== theme.dark) {
            entry.dark = theme.dark;
            entry.chart.updateOptions(themed(entry.config, theme), false, false);
        }
    }
}
