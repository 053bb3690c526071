export * from './lesson/lesson-domain.error';
export * from './lesson/lesson.commands';
export * from './lesson/lesson.event-records';
export * from './lesson/lesson.state';
export * from './lesson/lesson.decider';
export * from './lesson/lesson.envelopes';
export * from './lesson/lesson-evidence';
export { validateLessonCommand } from './lesson/lesson-command.validation';
export * from './lesson-view/lesson-view.projection';
