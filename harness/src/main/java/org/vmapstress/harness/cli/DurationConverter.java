package org.vmapstress.harness.cli;

import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads durations as people write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, at
 * most {@link #LONGEST} (a week: longer is a typo, and would overflow the deadlines kept in
 * nanoseconds).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    static final Duration LONGEST = Duration.ofDays(7);

    @Override
    public Duration convert(String text) {
        Duration duration = parse(text);
        if (duration.compareTo(LONGEST) > 0) {
            throw new CommandLine.TypeConversionException("'" + text + "' is longer than the longest duration, 7 days (168h)");
        }
        return duration;
    }

    private static Duration parse(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h)").matcher(text.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (e.g. 500ms, 30s, 2m, 1h)");
        }
        long amount = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            default: return Duration.ofHours(amount);
        }
    }
}
