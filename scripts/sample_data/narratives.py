"""The quarters' narratives (``narrative.md``): prose only, no figures, no digits."""

from __future__ import annotations

NARRATIVES: dict[str, str] = {
    "2018-19-Q1": """## Inspection activity

### PEEL

The inspectorate has confirmed that the separate inspections of effectiveness, efficiency and
legitimacy will be replaced by a single integrated PEEL assessment from this year. Forces are
being placed in tranches and we expect to hear our fieldwork window over the summer. The
recommendations from last year's effectiveness report are still being worked through by the
vulnerability and performance leads.

### Force Management Statement

Our first Force Management Statement went to the inspectorate at the end of May. It will be used
to decide where the integrated assessment looks hardest, and feedback to forces is promised for
the autumn. The strategy team is already noting what to do differently next time, above all how
demand forecasts are drawn from business group plans.

### Thematic inspections

Fieldwork has finished for the national inspection of how forces respond to people with mental
health needs. We took part through interviews and a review of case files, and the report is
expected towards the end of the year. The crime data integrity report on the Met was published in
June and the Force Crime Registrar is preparing the response.

### Recommendations Register

The inspectorate's Recommendations Register remains the public record of what is still open. We
have begun to check it line by line against our own tracker, because several items we consider
closed are still shown as open nationally.

## Commentary

Most late DARA actions have been late for some time rather than slipping this quarter. The common
thread is ownership: a number of actions sit with teams that have since been reorganised, and the
new managers have not always taken them on. Until every action has a named owner who has agreed
its deadline, progress will stay uneven.
""",
    "2018-19-Q2": """## Inspection activity

### Integrated PEEL Assessment

We have been placed in the second tranche of the integrated assessment, with fieldwork expected
in the spring. A small team is assembling the document return and briefing the senior leaders
who will be interviewed.

### Force Management Statement

The inspectorate's feedback on our first statement praised its breadth and asked for clearer
links between forecast demand and workforce plans. Guidance for the second statement is expected
before the end of the year.

### Thematic inspections

The national report on policing and mental health has now been published, and its
recommendations have been passed to the mental health lead in Frontline Policing. The inspectorate
has also announced a national inspection of the police response to fraud; our fieldwork is
planned for the winter and will cover both the reporting centre referrals and local
investigation.

### Recommendations Register

Reconciling the register with our tracker continues. A first set of requests to close
recommendations has gone to the inspectorate with the supporting evidence.

## Commentary

Several overdue actions are waiting for IT changes that are themselves late, chiefly in records
management and in command and control. Business groups also report vacancies in the very teams
expected to carry out the work, so deadlines agreed at the close of each audit were optimistic.

## Risk implications

While the public register shows recommendations that we have in fact completed, the force's
progress looks worse than it is. Closing the gap is a reputational as well as an administrative
task.
""",
    "2018-19-Q3": """## Inspection activity

### Integrated PEEL Assessment

The document and data return for the integrated assessment has been submitted. Fieldwork will
take place in the spring and will include reality-testing visits to basic command units as well as
interviews with chief officers.

### Force Management Statement

Guidance for the second statement has arrived, with a submission date at the end of May. This
time the statement is meant to be built into business planning rather than written alongside it.

### Thematic inspections

Our fraud fieldwork has finished. The inspectorate published its progress review of undercover
policing in January and an update on the police response to domestic abuse in February; both
carry recommendations for every force, and owners have been identified for each.

### Recommendations Register

The inspectorate intends to replace the register with an online portal during the coming year,
through which forces will be able to record their own progress.

## Commentary

The move to basic command units and the transfer of functions between business groups have left
some actions without an obvious owner. Elsewhere, actions that need a contract to be let are
moving at the pace of the procurement timetable rather than the audit's.

## Financial implications

A handful of actions need investment that is not in this year's budget. They will be put forward
in the next budget round, and their deadlines will move until a decision is made.
""",
    "2018-19-Q4": """## Inspection activity

### Integrated PEEL Assessment

Fieldwork for the integrated assessment took place over several weeks in the spring. The
inspectorate's initial feedback recognised strong work on neighbourhood policing and pointed to
areas for improvement in how vulnerable people are identified at first contact. A draft report is
expected over the summer.

### Force Management Statement

The second statement is being finalised for the end of May, drawing for the first time on the
business groups' own planning returns.

### Thematic inspections

The fraud report was published in early April and makes recommendations for all forces on how
reports of fraud are assessed and investigated. A joint inspection of integrated offender
management, led by the probation inspectorate, has been announced; the Met will be one of the
forces visited.

### Monitoring Portal

The inspectorate has confirmed that the Recommendations Register will become a Monitoring Portal,
with a phased roll-out and training for force users.

## Commentary

Together with DARA we have begun a review of every outstanding audit action, so that the panel can
agree which actions are followed centrally and which are left to local leaders. The review has
already shown that many delays share the same few causes: vacancies, work that depends on another
programme, and decisions waiting for approval.
""",
    "2019-20-Q1": """## Inspection activity

### Integrated PEEL Assessment

The draft report of our integrated assessment has arrived. Its factual accuracy check is complete
and has gone back to the inspectorate, and publication is expected at the end of September
together with the other forces of the second tranche.

### The next integrated assessment

The inspectorate is still deciding what the next integrated assessment will look like, and its
fieldwork is unlikely to begin before next spring. A new strand of work is looking at a shorter
report that reaches forces within weeks of fieldwork, so that effort goes into improving rather
than waiting for publication. Forces will be asked what they would find useful.

### Force Management Statement

Earlier in the year forces were asked when in their planning cycle a statement would be most
useful. We proposed a winter submission, after the summer and autumn budget planning. The
inspectorate has decided to keep the end of May deadline from next year onward and expects every
force to build the statement into its financial planning, so the timetable does not change.

### Integrated Offender Management

The Met is among a small group of forces in a joint inspection of integrated offender management
led by the probation inspectorate. Fieldwork is in early September and concentrates on a single
borough, to keep the burden low. Inspectors will review case files and hold interviews and focus
groups with the police, the probation service and the rehabilitation companies.

### Counter-terrorism firearms response

In late September inspectors will examine whether forces have the capability and capacity to
respond to a terrorist attack with firearms, whether the response is consistent between regions,
and how well forces connect with each other. A single national report is planned for the spring.

### National Child Protection Inspection

The next round of the national child protection programme will reach the Met early next year,
with case audits followed by fieldwork in the spring. The lead for public protection will meet
the inspectorate in the autumn to agree what the inspection will expect.

### Monitoring Portal

The Recommendations Register has been rebuilt as the Monitoring Portal and is being released to
forces in stages once their users are trained. It is easier to navigate, holds every record from
the old register, shows the recommendations made to all forces and lets us record progress on our
own. For now it holds recommendations only; areas for improvement are to follow. We are working
through the open recommendations with the inspectorate against our quarterly tracker and expect a
clearer picture by the next paper.

## Commentary

Most late actions sit in Professionalism, in the audit of how external training providers are
chosen and shown to give value for money. Measures of delivery are not yet in place, the data on
training courses is still being reviewed, and the policy for using sole suppliers is still in
draft. Responsibility between Commercial Services, the business groups and Strategic Learning
also needs settling; reviews of strategy, budgets and policy have been planned to address it.

Work on the inclusion and diversity actions is paused because the function has moved to
Professionalism, where it now forms part of the wider engagement work; a follow-up audit of the
new framework is in fieldwork. On the shared services contract, workshops have looked for better
ways of working and performance measures are being drawn up. The end user systems actions wait on
the Information Access Register, which records management needs before it can finish its review of
data security and continuity arrangements.

Each business group lead will receive the list of their overdue actions to confirm the tracker is
right. We will keep following every action that meets the threshold, and will report the themes
behind missed deadlines as they emerge.
""",
    "2019-20-Q2": """## Inspection activity

### Integrated PEEL Assessment

Our integrated assessment was published at the end of September. It recognised real strengths in
neighbourhood policing and in the handling of public order events, and set out areas for
improvement in the way vulnerability is recognised and in the planning of the workforce. The
areas for improvement are now on our tracker with named owners.

### Spotlight report on abuse of position

Published on the same day, the inspectorate's spotlight report on officers and staff who abuse
their position for a sexual purpose makes recommendations for every force. Professional Standards
leads our response.

### Integrated Offender Management

Fieldwork for the joint inspection finished in September. Early feedback was encouraging about the
partnership in the borough visited, and the report is expected in the new year.

### Counter-terrorism firearms response

The inspection took place as planned in late September. Inspectors met firearms commanders and
partner agencies, and the national report is still expected in the spring.

### Custody

Inspectors from the inspectorate and the prisons inspectorate visited our custody suites
unannounced in the autumn and gave verbal feedback at the end of their visit. The written report
will follow.

### Monitoring Portal

The review of open recommendations with the inspectorate has allowed a first group to be closed on
the portal. The remaining items have an owner and an agreed update date.

## Commentary

Business group leads have now confirmed the position of their overdue actions, and a reason is
recorded against each one that was missing. The public order business continuity actions begin to
fall due this quarter; the owners have asked to move some deadlines while exercises are arranged
with partners.
""",
    "2019-20-Q3": """## Inspection activity

### Custody

The custody inspection report was published in the middle of December. Custody now appears as a
theme of its own on the Monitoring Portal, with recommendations, areas for improvement and a cause
of concern about the oversight of detainees' care. Met Detention leads the improvement plan.

### Cyber-dependent crime

The inspectorate's report on the police response to cyber-dependent crime was published in
October. Its recommendations sit with the economic crime command.

### National Child Protection Inspection

Preparation is well under way for the case audits at the start of the new year and the fieldwork
that follows in the spring. The public protection lead has met the inspectorate to agree the scope.

### The next PEEL assessment

The inspectorate is consulting on a new approach that would assess forces continuously rather than
through a single inspection every year or so. We have responded through the national chiefs'
council.

### Force Management Statement

Work has started on the third statement, due at the end of May, this time written alongside the
budget rather than after it.

## Commentary

Several actions now wait on suppliers: a records system upgrade, a contract renewal and a
replacement training platform. Where the owner cannot control the date, we have asked for the
dependency to be written in the tracker so the panel can see where the delay really lies.

## Risk implications

The custody findings have been added to the corporate risk register, and progress will be
reported to the risk board alongside this paper.
""",
    "2019-20-Q4": """## Inspection activity

### Suspension of inspection activity

In the middle of March the inspectorate suspended its routine inspection programme so that forces
could concentrate on the pandemic. Inspections in progress were paused and forces were told that
nothing would be scheduled until further notice.

### National Child Protection Inspection

The case audits were completed in February. The fieldwork planned for the spring has been
postponed, and the inspectorate will give notice before it resumes.

### Force Management Statement

The submission date for the third statement has been put back; a new date will be agreed once
forces are out of the immediate emergency.

### Published reports

In January the inspectorate published reports on county lines exploitation and on evidence-led
prosecutions of domestic abuse. Both carry recommendations for all forces and owners have been
assigned.

### Monitoring Portal

The portal remains open and we continue to record progress, although the inspectorate has said it
will not review closure requests until its staff return to normal duties.

## Commentary

Much of the work on audit actions stopped in late March when staff were redeployed to the pandemic
response, and owners have said so in the tracker. Some actions, such as those on business
continuity, have been tested for real by events; the owners will ask DARA whether that evidence can
close them.

## Financial implications

The cost of the pandemic response and uncertainty about next year's settlement mean that actions
waiting on investment are unlikely to be funded soon. Owners have been asked to say which of them
can proceed without new money.
""",
    "2020-21-Q1": """## Inspection activity

### Inspection of the pandemic response

The Home Secretary has asked the inspectorate to examine how policing has responded to the
pandemic. The Met is taking part through interviews held by video and a return of data on
enforcement and workforce. A national report is expected later in the year.

### The next PEEL assessment

The inspectorate has confirmed that the new PEEL approach will start later than planned, with a
revised set of judgements and a greater focus on continuous assessment. We expect guidance in the
autumn.

### National Child Protection Inspection

The postponed fieldwork has not yet been rescheduled. The public protection lead is keeping the
case audit evidence up to date so that the inspection can resume at short notice.

### Force Management Statement

No new date has yet been set for the third statement. The strategy team is using the time to
bring the statement and the medium-term financial plan into one process.

### Monitoring Portal

The inspectorate has restarted its review of closure requests, and our reconciliation of open
recommendations has resumed.

## Commentary

The main obstacle to closing actions this quarter has been capacity: many owners and their teams
are still supporting the pandemic response, and fieldwork that needs people on site cannot go
ahead. Remote working has helped with policy and documentation, but actions that depend on
training, estates or suppliers are waiting for restrictions to ease.

## Risk implications

The longer actions stay open, the longer the weaknesses the audits found remain. We will ask DARA
whether any of the oldest actions should be reassessed in the light of how the force now works.
""",
}
