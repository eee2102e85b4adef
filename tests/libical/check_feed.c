/* Parses an iCalendar feed with libical (the library behind Evolution) and reports it.
 *
 * Usage: check_feed FILE
 * Prints one line per problem ("ERROR\t<libical's message>") and one line per VEVENT:
 *   EVENT\t<uid>\t<dtstart UTC>\t<dtend UTC>\t<status>\t<url>\t<conference>\t<summary>
 * Exit status: 0 when libical parsed the file without any X-LIC-ERROR, 1 otherwise,
 * 2 when the file cannot be read or is not a VCALENDAR.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return NULL;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, file) != (size_t)size) {
        fclose(file);
        free(text);
        return NULL;
    }
    text[size] = '\0';
    fclose(file);
    return text;
}

/* Counts and prints the X-LIC-ERROR properties libical attached while parsing. */
static int report_errors(icalcomponent *component)
{
    int errors = 0;
    for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        printf("ERROR\t%s: %s\n", icalcomponent_kind_to_string(icalcomponent_isa(component)),
               icalproperty_get_xlicerror(p));
        errors++;
    }
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        errors += report_errors(c);
    }
    return errors;
}

static const char *text_of(icalcomponent *event, icalproperty_kind kind)
{
    icalproperty *p = icalcomponent_get_first_property(event, kind);
    return p == NULL ? "" : icalproperty_get_value_as_string(p);
}

static const char *utc_of(struct icaltimetype time)
{
    if (icaltime_is_null_time(time)) {
        return "";
    }
    if (time.zone == NULL && !icaltime_is_utc(time)) {
        return "FLOATING";  /* a TZID libical could not resolve */
    }
    return icaltime_as_ical_string(icaltime_convert_to_zone(time, icaltimezone_get_utc_timezone()));
}

static void report_event(icalcomponent *event)
{
    icalproperty_status status = icalcomponent_get_status(event);
    printf("EVENT\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", icalcomponent_get_uid(event),
           utc_of(icalcomponent_get_dtstart(event)), utc_of(icalcomponent_get_dtend(event)),
           status == ICAL_STATUS_NONE ? "" : icalproperty_status_to_string(status),
           text_of(event, ICAL_URL_PROPERTY), text_of(event, ICAL_CONFERENCE_PROPERTY),
           icalcomponent_get_summary(event));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    char *text = read_file(argv[1]);
    if (text == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    icalcomponent *calendar = icalparser_parse_string(text);
    free(text);
    if (calendar == NULL || icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT) {
        fprintf(stderr, "not a VCALENDAR: %s\n", icalerror_strerror(icalerrno));
        return 2;
    }
    icalrestriction_check(calendar);
    int errors = report_errors(calendar);
    for (icalcomponent *e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         e != NULL; e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        report_event(e);
    }
    icalcomponent_free(calendar);
    return errors == 0 ? 0 : 1;
}
