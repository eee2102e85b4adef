// Parses an iCalendar feed with ical.js (the parser inside Thunderbird) and prints it as JSON.
//
// Usage: node check_feed.js FILE
// Registers the feed's own VTIMEZONEs (a TZID without one would be read as floating time) and
// prints {"events": [{uid, start, end, zone, status, summary, url, conference, description}]}
// with start and end in UTC ISO 8601. Exits 1 on a parse error.
"use strict";

const fs = require("node:fs");
const ICAL = require("ical.js");

function utc(time) {
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

function eventOf(vevent) {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    status: vevent.getFirstPropertyValue("status"),
    summary: event.summary,
    url: vevent.getFirstPropertyValue("url"),
    conference: vevent.getFirstPropertyValue("conference"),
    description: event.description,
  };
}

function main(path) {
  const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(path, "utf8")));
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  const events = calendar.getAllSubcomponents("vevent").map(eventOf);
  process.stdout.write(JSON.stringify({
    name: calendar.getFirstPropertyValue("name"),
    events,
  }) + "\n");
}

try {
  main(process.argv[2]);
} catch (error) {
  process.stderr.write(`ical.js failed: ${error}\n`);
  process.exit(1);
}
