package dev.beian.registry;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * {@code access-until} (SPEC §5): the end of a provisional access. Dates without an offset are China Standard
 * Time (+08:00); a date alone means the whole of that day, so access ends at the following midnight.
 */
public final class AccessUntil {
    /** Offset of dates written without one. */
    public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

    private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(LOCAL_DATE_TIME)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter();

    private AccessUntil() {
    }

    /**
     * {@code 2027-01-10} (through the end of that day, Beijing time), {@code 2027-01-10T18:00[:00]}
     * (Beijing time), or with an offset; null when it parses as none of them.
     */
    public static Instant parse(String raw) {
        String s = raw.strip();
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).plusDays(1).atStartOfDay(CHINA).toInstant();
            }
            var parsed = OFFSET_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime odt) {
                return odt.toInstant();
            }
            return ((LocalDateTime) parsed).atZone(CHINA).toInstant();
        } catch (DateTimeException e) {
            try {
                return LocalDateTime.parse(s, LOCAL_DATE_TIME).atZone(CHINA).toInstant();
            } catch (DateTimeException e2) {
                return null;
            }
        }
    }
}
