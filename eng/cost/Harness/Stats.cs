using System;
using System.Collections.Generic;
using System.Linq;

namespace CloseNotify.Cost
{
    /// <summary>
    /// Medians and their intervals. The interval is a 95 % percentile bootstrap of the median: the runs are resampled
    /// with replacement 2,000 times (a fixed seed, so a table is reproducible from its raw runs), the median taken each
    /// time, and the 2.5th and 97.5th percentiles of those medians reported. Ratios are taken run by run (both terms
    /// from the same round of the interleaving, so a load change between rounds cancels) before the median.
    /// </summary>
    internal static class Stats
    {
        public const int Resamples = 2000;

        public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

        /// <summary>Linear interpolation between order statistics (type 7, R's default).</summary>
        public static double Quantile(IReadOnlyList<double> values, double q)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = values.OrderBy(v => v).ToArray();
            var position = q * (sorted.Length - 1);
            var low = (int)Math.Floor(position);
            var high = Math.Min(low + 1, sorted.Length - 1);
            return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
        }

        /// <summary>The 95 % percentile-bootstrap interval of the median of <paramref name="values"/>.</summary>
        public static (double Low, double High) MedianInterval(IReadOnlyList<double> values, int seed = 28)
        {
            if (values.Count < 2)
            {
                return (double.NaN, double.NaN);
            }

            var random = new Random(seed);
            var medians = new double[Resamples];
            var sample = new double[values.Count];
            for (var b = 0; b < Resamples; b++)
            {
                for (var i = 0; i < sample.Length; i++)
                {
                    sample[i] = values[random.Next(values.Count)];
                }

                medians[b] = Median(sample);
            }

            return (Quantile(medians, 0.025), Quantile(medians, 0.975));
        }

        /// <summary>Per-run ratios <paramref name="numerators"/>[i] / <paramref name="denominators"/>[i], runs with a zero denominator left out.</summary>
        public static List<double> Ratios(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators) =>
            numerators.Zip(denominators, (n, d) => d > 0 ? n / d : double.NaN).Where(r => !double.IsNaN(r)).ToList();
    }
}
