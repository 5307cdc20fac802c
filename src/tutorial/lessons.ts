/** The lessons in the order the tutorial teaches them (issue #10; the runbook, issue #20). */
import type { Lesson } from "./lesson.ts";
import { theStack } from "./lessons/01-the-stack.ts";
import { writeBack } from "./lessons/02-write-back.ts";
import { checkpoints } from "./lessons/03-checkpoints.ts";
import { diskFills } from "./lessons/04-disk-fills.ts";
import { freeingSpace } from "./lessons/05-freeing-space.ts";
import { danglingCheckpoint } from "./lessons/06-dangling-checkpoint.ts";
import { proposals } from "./lessons/07-proposals.ts";
import { adminsChoice } from "./lessons/08-admins-choice.ts";
import { runbook } from "./lessons/09-runbook.ts";

export const LESSONS: readonly Lesson[] = [theStack, writeBack, checkpoints, diskFills, freeingSpace, danglingCheckpoint, proposals, adminsChoice, runbook];

/** Where the scripts live, relative to the repository (tests read them from disk; the page imports them). */
export const LESSON_SCRIPTS_DIR = "playground-scripts/lessons";
export const startFile = (lesson: Lesson) => `${LESSON_SCRIPTS_DIR}/${lesson.script}.start.ts`;
export const solutionFile = (lesson: Lesson) => `${LESSON_SCRIPTS_DIR}/${lesson.script}.solution.ts`;
