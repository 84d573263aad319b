import { AssignerProtocol, PartitionAssigner } from 'kafkajs';

export const CO_PARTITIONED = 'CoPartitionedAssigner';

/** Which member folds which partitions: partition p of every topic to the same member. */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const assignment = new Map(members.map((id) => [id, {} as Record<string, number[]>]));
  if (members.length === 0) return assignment;
  for (const [topic, partitions] of partitionsByTopic) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const owned = assignment.get(members[partition % members.length])!;
      (owned[topic] ??= []).push(partition);
    }
  }
  return assignment;
}

/**
 * A consumer group assignment that keeps a customer's events on one member.
 * The ERP keys every input event by companyId:customerId, so with the same
 * partition count and partitioner a customer has the same partition number on
 * every topic. kafkajs' round robin spreads the topic-partitions one by one,
 * which puts the documents and the journal entries of one customer on two
 * instances: each then refolds the batches the other's commits invalidated
 * (correct, since a commit is guarded by versions, but wasted). Correctness
 * never depends on this placement; efficiency does.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED,
  version: 0,
  async assign({ members, topics }) {
    const partitionsByTopic = new Map(
      topics.map((topic) => [
        topic,
        cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId),
      ]),
    );
    const assignment = coPartitionedAssignment(
      members.map((member) => member.memberId),
      partitionsByTopic,
    );
    return [...assignment].map(([memberId, owned]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: owned,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITIONED,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
