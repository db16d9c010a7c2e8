namespace ZkDashboard.Core.Health;

/// <summary>Fixed-capacity FIFO: adding to a full buffer overwrites the oldest item. Not thread-safe.</summary>
public sealed class RingBuffer<T>
{
    private readonly T[] _items;
    private int _next;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Capacity => _items.Length;

    public int Count { get; private set; }

    public void Add(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        if (Count < _items.Length)
        {
            Count++;
        }
    }

    /// <summary>Items oldest first.</summary>
    public T[] ToArray()
    {
        var result = new T[Count];
        var start = (_next - Count + _items.Length) % _items.Length;
        for (var i = 0; i < Count; i++)
        {
            result[i] = _items[(start + i) % _items.Length];
        }
        return result;
    }
}

/// <summary>
/// Time series of one server: one shared ring of timestamps plus one ring of doubles per metric, all of the same fixed
/// capacity (memory = capacity × 8 bytes × (1 + metrics), allocated once per metric). A metric missing from a sample is NaN
/// there and is skipped when read. Thread-safe.
/// </summary>
public sealed class ServerMetricHistory
{
    private readonly Lock _lock = new();
    private readonly long[] _ticks;
    private readonly Dictionary<string, double[]> _series = new(StringComparer.Ordinal);
    private readonly int _maxSeries;
    private int _next;
    private int _count;

    public ServerMetricHistory(int capacity, int maxSeries = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ticks = new long[capacity];
        _maxSeries = maxSeries;
    }

    public int Capacity => _ticks.Length;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Bytes held by the arrays (fixed once every metric has been seen).</summary>
    public long ApproximateBytes
    {
        get
        {
            lock (_lock)
            {
                return 8L * _ticks.Length * (1 + _series.Count);
            }
        }
    }

    public IReadOnlyList<string> Metrics
    {
        get
        {
            lock (_lock)
            {
                return _series.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    public void Record(DateTimeOffset at, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_lock)
        {
            var pos = _next;
            _ticks[pos] = at.UtcTicks;
            foreach (var (name, series) in _series)
            {
                series[pos] = values.TryGetValue(name, out var v) ? v : double.NaN;
            }
            foreach (var (name, value) in values)
            {
                if (!_series.ContainsKey(name) && _series.Count < _maxSeries)
                {
                    var series = new double[_ticks.Length];
                    Array.Fill(series, double.NaN);
                    series[pos] = value;
                    _series[name] = series;
                }
            }
            _next = (pos + 1) % _ticks.Length;
            _count = Math.Min(_count + 1, _ticks.Length);
        }
    }

    /// <summary>Points of one metric, oldest first, optionally only those at or after <paramref name="since"/>.</summary>
    public IReadOnlyList<MetricPoint> Get(string metric, DateTimeOffset? since = null)
    {
        lock (_lock)
        {
            if (!_series.TryGetValue(metric, out var series))
            {
                return [];
            }
            var result = new List<MetricPoint>(_count);
            var start = (_next - _count + _ticks.Length) % _ticks.Length;
            var sinceTicks = since?.UtcTicks ?? long.MinValue;
            for (var i = 0; i < _count; i++)
            {
                var idx = (start + i) % _ticks.Length;
                if (_ticks[idx] >= sinceTicks && !double.IsNaN(series[idx]))
                {
                    result.Add(new MetricPoint(new DateTimeOffset(_ticks[idx], TimeSpan.Zero), series[idx]));
                }
            }
            return result;
        }
    }
}
