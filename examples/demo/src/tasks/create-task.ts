/**
 * Task creation and archiving for the Taskhive API.
 *
 * @implements UC-001
 * @implements @.aiwg/requirements/use-cases/UC-001-create-task.md
 * @architecture @.aiwg/architecture/decisions/ADR-003-server-sent-events-for-live-updates.md
 * @tests .aiwg/testing/test-strategy.md
 * @security .aiwg/security/threat-model.md#tampering
 * @created 2026-02-12T09:30:00Z
 * @agent urn:aiwg:agent:software-implementer
 */
import type { FastifyRequest } from "fastify";
import { db } from "@/db/pool";
import { appendOutboxEvent } from "@/realtime/outbox";

export interface NewTaskInput {
  boardId: string;
  title: string;
  description?: string;
  dueDate?: string;
  label?: string;
}

export interface Task extends NewTaskInput {
  id: string;
  tenantId: string;
  columnId: string;
  createdAt: string;
}

const MAX_TITLE_LENGTH = 200;

/**
 * Validates input, stores the task and appends the change event in one transaction.
 * The outbox row is what the relay later publishes to board viewers (ADR-003).
 *
 * @param req - authenticated request; the tenant comes from the access token
 * @param input - fields from the "New task" form
 * @returns the stored task
 */
export async function createTask(req: FastifyRequest, input: NewTaskInput): Promise<Task> {
  const tenantId = req.user.tenant;
  if (!input.title || input.title.length > MAX_TITLE_LENGTH) {
    throw new ValidationError("title", `must be 1-${MAX_TITLE_LENGTH} characters`);
  }
  return db.transaction(async (tx) => {
    const column = await tx.firstColumn(tenantId, input.boardId);
    const task = await tx.insertTask({ ...input, tenantId, columnId: column.id });
    await appendOutboxEvent(tx, { tenantId, boardId: input.boardId, type: "task.created", task });
    return task;
  });
}

/**
 * Archives tasks that have been in the "Done" column for more than 90 days.
 * Runs nightly from the scheduler.
 *
 * @implements UC-009
 */
export async function archiveCompletedTasks(tenantId: string): Promise<number> {
  return db.transaction((tx) => tx.archiveDoneOlderThan(tenantId, 90));
}

export class ValidationError extends Error {
  constructor(public readonly field: string, message: string) {
    super(`${field} ${message}`);
  }
}
